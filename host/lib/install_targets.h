// Where each browser looks for the native-messaging host manifest: ONE table of browsers x
// operating systems x levels that drives `postguard install`, `uninstall` and `doctor`.
//
//   Locations env = Locations::from_process();                 // HOME, XDG_CONFIG_HOME, ...
//   for (const InstallTarget& t : targets_for(current_os(), Level::user)) {
//     fs::path file = manifest_file(t, env);    // ~/.config/chromium/NativeMessagingHosts/...
//   }
//
// Linux and macOS rows name a directory that holds `org.postguard.host.json`; Windows rows
// name a registry key whose default value is the manifest's path (the manifest itself sits
// next to postguard-host). Every row is compiled everywhere so the tests check the whole
// table as data; only the current OS's rows are acted on.
#pragma once

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace postguard {

inline constexpr std::string_view kHostName = "org.postguard.host";
inline constexpr std::string_view kChromiumOrigin =
    "chrome-extension://acmnpiifhpicdffioflpmeemfieahodg/";
inline constexpr std::string_view kFirefoxExtensionId = "postguard@postguard.org";

enum class Browser { chrome, chromium, edge, brave, vivaldi, firefox };
enum class Family { chromium, firefox };  // which manifest format a browser reads
enum class Os { linux_os, macos, windows };
enum class Level { user, system };

// What a row's `location` is relative to.
enum class Base {
  home,        // $HOME (Linux ~/.mozilla, macOS ~/Library/...)
  xdg_config,  // $XDG_CONFIG_HOME, else $HOME/.config (Chromium's user-data dirs on Linux)
  root,        // an absolute system path (prefixed by POSTGUARD_INSTALL_ROOT when set)
  hkcu,        // Windows: HKEY_CURRENT_USER\<location>
  hklm,        // Windows: HKEY_LOCAL_MACHINE\<location>
};

// Which registry view a Windows row is written in (irrelevant for files). HKCU\Software is
// not split between views; HKLM\Software is, and we write the native 64-bit one.
enum class RegistryView { none, shared, view64 };

struct InstallTarget {
  Browser browser;
  Os os;
  Level level;
  Base base;
  // Files: the directory holding "<kHostName>.json". Registry: the key, ending in the host
  // name (e.g. Software\Google\Chrome\NativeMessagingHosts\org.postguard.host).
  std::string_view location;
  RegistryView view;
  // The browser's own config dir (same base; user rows only): doctor looks at a browser
  // whose dir exists even without a manifest. Empty for system rows and registry rows.
  std::string_view config_dir;
  // Only used when this (absolute) directory exists, e.g. /usr/lib64 for Firefox. May be empty.
  std::string_view only_if_dir;
  // Why the row is what it is, and whether it is verified.
  std::string_view note;
};

// The whole table, every OS.
std::span<const InstallTarget> all_targets();

// The rows for `os` and `level`, in table order.
std::vector<InstallTarget> targets_for(Os os, Level level);

// The browsers with rows on `os`, in table order.
std::vector<Browser> browsers_on(Os os);

Family family_of(Browser b);
std::string_view to_string(Browser b);     // "chrome", "firefox", ... (what --browser takes)
std::string_view display_name(Browser b);  // "Google Chrome", "Firefox", ...
std::string_view to_string(Os os);         // "linux", "macos", "windows"
std::string_view to_string(Level level);   // "user", "system"
std::optional<Browser> parse_browser(std::string_view name);

Os current_os();

// The directories the file rows resolve against. Tests build one over a temp dir; the CLI
// uses from_process().
struct Locations {
  std::filesystem::path home;        // $HOME
  std::filesystem::path xdg_config;  // $XDG_CONFIG_HOME, else $HOME/.config
  std::filesystem::path root;        // "" = the real "/"; else every system path is under it

  // $HOME, $XDG_CONFIG_HOME and $POSTGUARD_INSTALL_ROOT (which exists for tests and for
  // building packages into a staging dir).
  static Locations from_process();
};

// The absolute directory of a file row (Base::home/xdg_config/root), or nullopt for a
// registry row or when the base is unknown (no $HOME).
std::optional<std::filesystem::path> target_dir(const InstallTarget& t, const Locations& where);

// target_dir() / "org.postguard.host.json".
std::optional<std::filesystem::path> manifest_file(const InstallTarget& t, const Locations& where);

// The browser's config dir for a user row, or nullopt.
std::optional<std::filesystem::path> config_dir(const InstallTarget& t, const Locations& where);

// Whether the row applies on this machine (its only_if_dir, under the root, exists).
bool applies(const InstallTarget& t, const Locations& where);

// Windows: the manifest file next to the host, one per family:
// "<host dir>\org.postguard.host.chromium.json" / "...firefox.json". A string, not a path, so
// that the Windows rows can be tested on Linux (where '\' is no separator).
std::string windows_manifest_file(std::string_view host, Family family);

}  // namespace postguard

// The install table. Sources are in /work/shared/research/native-messaging.md, sections 2.2 to
// 2.5; the rows marked "checked" were compared with the vendor's documentation (Chrome's
// "Native messaging" page, MDN "Native manifests", Mozilla bug 1538954 for lib vs lib64);
// the others rest on the research notes only and say so.
#include "install_targets.h"

#include <array>
#include <cstdlib>

namespace postguard {
namespace fs = std::filesystem;

namespace {

using B = Browser;
using L = Level;
using O = Os;

constexpr std::string_view kChromeKey =
    R"(Software\Google\Chrome\NativeMessagingHosts\org.postguard.host)";
constexpr std::string_view kChromiumKey =
    R"(Software\Chromium\NativeMessagingHosts\org.postguard.host)";
constexpr std::string_view kEdgeKey =
    R"(Software\Microsoft\Edge\NativeMessagingHosts\org.postguard.host)";
constexpr std::string_view kMozillaKey =
    R"(Software\Mozilla\NativeMessagingHosts\org.postguard.host)";

// clang-format off
constexpr std::array kTargets = {
    // --- Linux -------------------------------------------------------------------------------
    InstallTarget{B::chrome, O::linux_os, L::user, Base::xdg_config, "google-chrome/NativeMessagingHosts", RegistryView::none, "google-chrome", "", "checked: Chrome docs"},
    InstallTarget{B::chrome, O::linux_os, L::system, Base::root, "/etc/opt/chrome/native-messaging-hosts", RegistryView::none, "", "", "checked: Chrome docs"},
    InstallTarget{B::chromium, O::linux_os, L::user, Base::xdg_config, "chromium/NativeMessagingHosts", RegistryView::none, "chromium", "", "checked: Chrome docs"},
    InstallTarget{B::chromium, O::linux_os, L::system, Base::root, "/etc/chromium/native-messaging-hosts", RegistryView::none, "", "", "checked: Chrome docs"},
    InstallTarget{B::edge, O::linux_os, L::user, Base::xdg_config, "microsoft-edge/NativeMessagingHosts", RegistryView::none, "microsoft-edge", "", "unverified: Edge docs per research notes"},
    InstallTarget{B::edge, O::linux_os, L::system, Base::root, "/etc/opt/edge/native-messaging-hosts", RegistryView::none, "", "", "unverified: Edge docs per research notes"},
    InstallTarget{B::brave, O::linux_os, L::user, Base::xdg_config, "BraveSoftware/Brave-Browser/NativeMessagingHosts", RegistryView::none, "BraveSoftware/Brave-Browser", "", "unverified: brave-core per research notes"},
    // Brave overrides DIR_NATIVE_MESSAGING to Chrome's system dir (research notes, unverified).
    InstallTarget{B::brave, O::linux_os, L::system, Base::root, "/etc/opt/chrome/native-messaging-hosts", RegistryView::none, "", "", "unverified: brave-core reads Chrome's system dir"},
    InstallTarget{B::vivaldi, O::linux_os, L::user, Base::xdg_config, "vivaldi/NativeMessagingHosts", RegistryView::none, "vivaldi", "", "unverified: browserpass, KeePassXC"},
    // Sources disagree (browserpass: /etc/opt/vivaldi, passff: /etc/vivaldi); unverified.
    InstallTarget{B::vivaldi, O::linux_os, L::system, Base::root, "/etc/opt/vivaldi/native-messaging-hosts", RegistryView::none, "", "", "unverified: browserpass; passff uses /etc/vivaldi"},
    // Firefox keeps the legacy ~/.mozilla path for native manifests even with XDG profiles.
    InstallTarget{B::firefox, O::linux_os, L::user, Base::home, ".mozilla/native-messaging-hosts", RegistryView::none, ".mozilla", "", "checked: MDN"},
    InstallTarget{B::firefox, O::linux_os, L::system, Base::root, "/usr/lib/mozilla/native-messaging-hosts", RegistryView::none, "", "", "checked: MDN (Debian builds)"},
    InstallTarget{B::firefox, O::linux_os, L::system, Base::root, "/usr/lib64/mozilla/native-messaging-hosts", RegistryView::none, "", "/usr/lib64", "checked: Mozilla bug 1538954 (Fedora/RHEL x86_64 builds)"},
    // --- macOS -------------------------------------------------------------------------------
    InstallTarget{B::chrome, O::macos, L::user, Base::home, "Library/Application Support/Google/Chrome/NativeMessagingHosts", RegistryView::none, "Library/Application Support/Google/Chrome", "", "checked: Chrome docs"},
    InstallTarget{B::chrome, O::macos, L::system, Base::root, "/Library/Google/Chrome/NativeMessagingHosts", RegistryView::none, "", "", "checked: Chrome docs"},
    InstallTarget{B::chromium, O::macos, L::user, Base::home, "Library/Application Support/Chromium/NativeMessagingHosts", RegistryView::none, "Library/Application Support/Chromium", "", "checked: Chrome docs"},
    InstallTarget{B::chromium, O::macos, L::system, Base::root, "/Library/Application Support/Chromium/NativeMessagingHosts", RegistryView::none, "", "", "checked: Chrome docs"},
    InstallTarget{B::edge, O::macos, L::user, Base::home, "Library/Application Support/Microsoft Edge/NativeMessagingHosts", RegistryView::none, "Library/Application Support/Microsoft Edge", "", "unverified: Edge docs per research notes"},
    InstallTarget{B::edge, O::macos, L::system, Base::root, "/Library/Microsoft/Edge/NativeMessagingHosts", RegistryView::none, "", "", "unverified: Edge docs per research notes"},
    // Brave on macOS reads Chrome's directories, not BraveSoftware's (research notes, unverified).
    InstallTarget{B::brave, O::macos, L::user, Base::home, "Library/Application Support/Google/Chrome/NativeMessagingHosts", RegistryView::none, "Library/Application Support/BraveSoftware/Brave-Browser", "", "unverified: a hands-on test cited by the research notes"},
    InstallTarget{B::brave, O::macos, L::system, Base::root, "/Library/Google/Chrome/NativeMessagingHosts", RegistryView::none, "", "", "unverified: brave-core reads Chrome's system dir"},
    InstallTarget{B::vivaldi, O::macos, L::user, Base::home, "Library/Application Support/Vivaldi/NativeMessagingHosts", RegistryView::none, "Library/Application Support/Vivaldi", "", "unverified: KeePassXC, Bitwarden, browserpass"},
    InstallTarget{B::vivaldi, O::macos, L::system, Base::root, "/Library/Application Support/Vivaldi/NativeMessagingHosts", RegistryView::none, "", "", "unverified: browserpass"},
    InstallTarget{B::firefox, O::macos, L::user, Base::home, "Library/Application Support/Mozilla/NativeMessagingHosts", RegistryView::none, "Library/Application Support/Firefox", "", "checked: MDN"},
    InstallTarget{B::firefox, O::macos, L::system, Base::root, "/Library/Application Support/Mozilla/NativeMessagingHosts", RegistryView::none, "", "", "checked: MDN"},
    // --- Windows: the key's default value is the manifest's absolute path --------------------
    InstallTarget{B::chrome, O::windows, L::user, Base::hkcu, kChromeKey, RegistryView::shared, "", "", "checked: Chrome docs"},
    InstallTarget{B::chrome, O::windows, L::system, Base::hklm, kChromeKey, RegistryView::view64, "", "", "checked: Chrome docs (32-bit view searched first, then 64-bit)"},
    InstallTarget{B::chromium, O::windows, L::user, Base::hkcu, kChromiumKey, RegistryView::shared, "", "", "unverified: launch_context_win.cc per research notes"},
    InstallTarget{B::chromium, O::windows, L::system, Base::hklm, kChromiumKey, RegistryView::view64, "", "", "unverified: launch_context_win.cc per research notes"},
    InstallTarget{B::edge, O::windows, L::user, Base::hkcu, kEdgeKey, RegistryView::shared, "", "", "unverified: Edge docs per research notes"},
    InstallTarget{B::edge, O::windows, L::system, Base::hklm, kEdgeKey, RegistryView::view64, "", "", "unverified: Edge docs per research notes"},
    // Brave and Vivaldi: Chrome's key, as KeePassXC writes (inferred, unverified).
    InstallTarget{B::brave, O::windows, L::user, Base::hkcu, kChromeKey, RegistryView::shared, "", "", "unverified: inferred from KeePassXC"},
    InstallTarget{B::brave, O::windows, L::system, Base::hklm, kChromeKey, RegistryView::view64, "", "", "unverified: inferred from KeePassXC"},
    InstallTarget{B::vivaldi, O::windows, L::user, Base::hkcu, kChromeKey, RegistryView::shared, "", "", "unverified: inferred from KeePassXC"},
    InstallTarget{B::vivaldi, O::windows, L::system, Base::hklm, kChromeKey, RegistryView::view64, "", "", "unverified: inferred from KeePassXC"},
    InstallTarget{B::firefox, O::windows, L::user, Base::hkcu, kMozillaKey, RegistryView::shared, "", "", "checked: MDN"},
    InstallTarget{B::firefox, O::windows, L::system, Base::hklm, kMozillaKey, RegistryView::view64, "", "", "checked: MDN (Firefox >= 64 also reads the 32-bit view, first)"},
};
// clang-format on

constexpr std::array kBrowsers = {
    std::pair{B::chrome, std::pair<std::string_view, std::string_view>{"chrome", "Google Chrome"}},
    std::pair{B::chromium, std::pair<std::string_view, std::string_view>{"chromium", "Chromium"}},
    std::pair{B::edge, std::pair<std::string_view, std::string_view>{"edge", "Microsoft Edge"}},
    std::pair{B::brave, std::pair<std::string_view, std::string_view>{"brave", "Brave"}},
    std::pair{B::vivaldi, std::pair<std::string_view, std::string_view>{"vivaldi", "Vivaldi"}},
    std::pair{B::firefox, std::pair<std::string_view, std::string_view>{"firefox", "Firefox"}},
};

std::optional<fs::path> env_path(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return std::nullopt;
  return fs::path(v);
}

// `absolute` ("/etc/...") under `root`, or as is when root is empty.
fs::path under_root(const fs::path& root, std::string_view absolute) {
  if (root.empty()) return fs::path(absolute);
  return root / fs::path(absolute).relative_path();
}

std::optional<fs::path> resolve(Base base, std::string_view rel, const Locations& where) {
  switch (base) {
    case Base::home:
      if (where.home.empty()) return std::nullopt;
      return where.home / rel;
    case Base::xdg_config:
      if (where.xdg_config.empty()) return std::nullopt;
      return where.xdg_config / rel;
    case Base::root:
      return under_root(where.root, rel);
    case Base::hkcu:
    case Base::hklm:
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

std::span<const InstallTarget> all_targets() { return kTargets; }

std::vector<InstallTarget> targets_for(Os os, Level level) {
  std::vector<InstallTarget> out;
  for (const InstallTarget& t : kTargets) {
    if (t.os == os && t.level == level) out.push_back(t);
  }
  return out;
}

std::vector<Browser> browsers_on(Os os) {
  std::vector<Browser> out;
  for (const InstallTarget& t : kTargets) {
    if (t.os != os) continue;
    bool seen = false;
    for (Browser b : out) seen = seen || b == t.browser;
    if (!seen) out.push_back(t.browser);
  }
  return out;
}

Family family_of(Browser b) { return b == Browser::firefox ? Family::firefox : Family::chromium; }

std::string_view to_string(Browser b) {
  for (const auto& [browser, names] : kBrowsers) {
    if (browser == b) return names.first;
  }
  return "?";
}

std::string_view display_name(Browser b) {
  for (const auto& [browser, names] : kBrowsers) {
    if (browser == b) return names.second;
  }
  return "?";
}

std::string_view to_string(Os os) {
  switch (os) {
    case Os::linux_os:
      return "linux";
    case Os::macos:
      return "macos";
    case Os::windows:
      return "windows";
  }
  return "?";
}

std::string_view to_string(Level level) { return level == Level::user ? "user" : "system"; }

std::optional<Browser> parse_browser(std::string_view name) {
  for (const auto& [browser, names] : kBrowsers) {
    if (names.first == name) return browser;
  }
  return std::nullopt;
}

Os current_os() {
#if defined(_WIN32)
  return Os::windows;
#elif defined(__APPLE__)
  return Os::macos;
#else
  return Os::linux_os;
#endif
}

Locations Locations::from_process() {
  Locations where;
  if (auto h = env_path("HOME")) where.home = *h;
  if (auto x = env_path("XDG_CONFIG_HOME")) {
    where.xdg_config = *x;
  } else if (!where.home.empty()) {
    where.xdg_config = where.home / ".config";
  }
  if (auto r = env_path("POSTGUARD_INSTALL_ROOT")) where.root = *r;
  return where;
}

std::optional<fs::path> target_dir(const InstallTarget& t, const Locations& where) {
  return resolve(t.base, t.location, where);
}

std::optional<fs::path> manifest_file(const InstallTarget& t, const Locations& where) {
  std::optional<fs::path> dir = target_dir(t, where);
  if (!dir) return std::nullopt;
  return *dir / (std::string(kHostName) + ".json");
}

std::optional<fs::path> config_dir(const InstallTarget& t, const Locations& where) {
  if (t.config_dir.empty()) return std::nullopt;
  return resolve(t.base, t.config_dir, where);
}

bool applies(const InstallTarget& t, const Locations& where) {
  if (t.only_if_dir.empty()) return true;
  std::error_code ec;
  return fs::is_directory(under_root(where.root, t.only_if_dir), ec);
}

std::string windows_manifest_file(std::string_view host, Family family) {
  const std::size_t slash = host.find_last_of("\\/");
  const std::string_view dir = slash == std::string_view::npos ? "" : host.substr(0, slash + 1);
  return std::string(dir) + std::string(kHostName) +
         (family == Family::firefox ? ".firefox.json" : ".chromium.json");
}

}  // namespace postguard

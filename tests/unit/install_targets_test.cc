// The install table as data: every OS's rows, resolved against a fake home and root.
#include <set>

#include <catch2/catch.hpp>

#include "install_targets.h"

using namespace postguard;
namespace fs = std::filesystem;

namespace {

Locations fake() { return Locations{"/h", "/h/.config", "/r"}; }

const InstallTarget& row(Browser b, Os os, Level level) {
  for (const InstallTarget& t : all_targets()) {
    if (t.browser == b && t.os == os && t.level == level) return t;
  }
  FAIL("no row");
  return all_targets()[0];
}

std::string file(Browser b, Os os, Level level) {
  return manifest_file(row(b, os, level), fake()).value_or("").string();
}

}  // namespace

TEST_CASE("install table: every browser has a user and a system row on every OS", "[install]") {
  for (Os os : {Os::linux_os, Os::macos, Os::windows}) {
    CHECK(browsers_on(os) == std::vector<Browser>{Browser::chrome, Browser::chromium, Browser::edge,
                                                  Browser::brave, Browser::vivaldi,
                                                  Browser::firefox});
    for (Level level : {Level::user, Level::system}) {
      std::set<Browser> seen;
      for (const InstallTarget& t : targets_for(os, level)) {
        seen.insert(t.browser);
        CHECK(!t.note.empty());
        CHECK((os == Os::windows) == (t.base == Base::hkcu || t.base == Base::hklm));
      }
      CHECK(seen.size() == 6);
    }
  }
}

TEST_CASE("install table: Linux paths", "[install]") {
  const Os L = Os::linux_os;
  CHECK(file(Browser::chrome, L, Level::user) ==
        "/h/.config/google-chrome/NativeMessagingHosts/org.postguard.host.json");
  CHECK(file(Browser::chrome, L, Level::system) ==
        "/r/etc/opt/chrome/native-messaging-hosts/org.postguard.host.json");
  CHECK(file(Browser::chromium, L, Level::user) ==
        "/h/.config/chromium/NativeMessagingHosts/org.postguard.host.json");
  CHECK(file(Browser::chromium, L, Level::system) ==
        "/r/etc/chromium/native-messaging-hosts/org.postguard.host.json");
  CHECK(file(Browser::edge, L, Level::user) ==
        "/h/.config/microsoft-edge/NativeMessagingHosts/org.postguard.host.json");
  CHECK(file(Browser::edge, L, Level::system) ==
        "/r/etc/opt/edge/native-messaging-hosts/org.postguard.host.json");
  CHECK(file(Browser::brave, L, Level::user) ==
        "/h/.config/BraveSoftware/Brave-Browser/NativeMessagingHosts/org.postguard.host.json");
  CHECK(file(Browser::brave, L, Level::system) ==
        "/r/etc/opt/chrome/native-messaging-hosts/org.postguard.host.json");
  CHECK(file(Browser::vivaldi, L, Level::user) ==
        "/h/.config/vivaldi/NativeMessagingHosts/org.postguard.host.json");
  CHECK(file(Browser::vivaldi, L, Level::system) ==
        "/r/etc/opt/vivaldi/native-messaging-hosts/org.postguard.host.json");
  CHECK(file(Browser::firefox, L, Level::user) ==
        "/h/.mozilla/native-messaging-hosts/org.postguard.host.json");
  CHECK(file(Browser::firefox, L, Level::system) ==
        "/r/usr/lib/mozilla/native-messaging-hosts/org.postguard.host.json");

  std::vector<std::string> firefox_system;
  for (const InstallTarget& t : targets_for(L, Level::system)) {
    if (t.browser == Browser::firefox) firefox_system.push_back(manifest_file(t, fake())->string());
  }
  CHECK(firefox_system ==
        std::vector<std::string>{
            "/r/usr/lib/mozilla/native-messaging-hosts/org.postguard.host.json",
            "/r/usr/lib64/mozilla/native-messaging-hosts/org.postguard.host.json"});
  // Without a root, system paths are the real ones.
  CHECK(
      manifest_file(row(Browser::chrome, L, Level::system), Locations{"/h", "/x", ""})->string() ==
      "/etc/opt/chrome/native-messaging-hosts/org.postguard.host.json");
  // XDG_CONFIG_HOME moves Chromium's user dirs, not Firefox's.
  CHECK(
      manifest_file(row(Browser::chromium, L, Level::user), Locations{"/h", "/x", ""})->string() ==
      "/x/chromium/NativeMessagingHosts/org.postguard.host.json");
  CHECK(config_dir(row(Browser::firefox, L, Level::user), fake())->string() == "/h/.mozilla");
  CHECK(!config_dir(row(Browser::firefox, L, Level::system), fake()));
  CHECK(!manifest_file(row(Browser::chrome, L, Level::user), Locations{"", "", ""}));
}

TEST_CASE("install table: macOS paths", "[install]") {
  const Os M = Os::macos;
  CHECK(
      file(Browser::chrome, M, Level::user) ==
      "/h/Library/Application Support/Google/Chrome/NativeMessagingHosts/org.postguard.host.json");
  CHECK(file(Browser::chrome, M, Level::system) ==
        "/r/Library/Google/Chrome/NativeMessagingHosts/org.postguard.host.json");
  CHECK(file(Browser::chromium, M, Level::system) ==
        "/r/Library/Application Support/Chromium/NativeMessagingHosts/org.postguard.host.json");
  CHECK(
      file(Browser::edge, M, Level::user) ==
      "/h/Library/Application Support/Microsoft Edge/NativeMessagingHosts/org.postguard.host.json");
  CHECK(file(Browser::edge, M, Level::system) ==
        "/r/Library/Microsoft/Edge/NativeMessagingHosts/org.postguard.host.json");
  CHECK(file(Browser::brave, M, Level::user) == file(Browser::chrome, M, Level::user));
  CHECK(file(Browser::vivaldi, M, Level::user) ==
        "/h/Library/Application Support/Vivaldi/NativeMessagingHosts/org.postguard.host.json");
  CHECK(file(Browser::firefox, M, Level::user) ==
        "/h/Library/Application Support/Mozilla/NativeMessagingHosts/org.postguard.host.json");
  CHECK(file(Browser::firefox, M, Level::system) ==
        "/r/Library/Application Support/Mozilla/NativeMessagingHosts/org.postguard.host.json");
}

// The macOS package writes a manifest into exactly these directories
// (installers/macos/scripts/postinstall), uninstall.sh removes them, and
// tests/installers/macos_pkg.test.mjs checks both against this same list: a changed macOS
// system row must be changed in those three files too.
TEST_CASE("install table: the macOS system directories are the package's", "[install]") {
  using Dir = std::pair<std::string, Family>;
  std::set<Dir> dirs;
  for (const InstallTarget& t : targets_for(Os::macos, Level::system)) {
    dirs.insert({target_dir(t, Locations{"/h", "/h/.config", ""})->string(), family_of(t.browser)});
  }
  CHECK(dirs ==
        std::set<Dir>{
            {"/Library/Google/Chrome/NativeMessagingHosts", Family::chromium},
            {"/Library/Application Support/Chromium/NativeMessagingHosts", Family::chromium},
            {"/Library/Microsoft/Edge/NativeMessagingHosts", Family::chromium},
            {"/Library/Application Support/Vivaldi/NativeMessagingHosts", Family::chromium},
            {"/Library/Application Support/Mozilla/NativeMessagingHosts", Family::firefox},
        });
}

TEST_CASE("install table: Windows registry keys", "[install]") {
  const Os W = Os::windows;
  const InstallTarget& chrome_user = row(Browser::chrome, W, Level::user);
  CHECK(chrome_user.base == Base::hkcu);
  CHECK(chrome_user.view == RegistryView::shared);
  CHECK(chrome_user.location ==
        R"(Software\Google\Chrome\NativeMessagingHosts\org.postguard.host)");
  const InstallTarget& chrome_system = row(Browser::chrome, W, Level::system);
  CHECK(chrome_system.base == Base::hklm);
  CHECK(chrome_system.view == RegistryView::view64);
  CHECK(row(Browser::chromium, W, Level::system).location ==
        R"(Software\Chromium\NativeMessagingHosts\org.postguard.host)");
  CHECK(row(Browser::edge, W, Level::user).location ==
        R"(Software\Microsoft\Edge\NativeMessagingHosts\org.postguard.host)");
  CHECK(row(Browser::brave, W, Level::user).location == chrome_user.location);
  CHECK(row(Browser::vivaldi, W, Level::system).location == chrome_system.location);
  CHECK(row(Browser::firefox, W, Level::system).location ==
        R"(Software\Mozilla\NativeMessagingHosts\org.postguard.host)");
  CHECK(!manifest_file(chrome_user, fake()));  // a key, not a file
  CHECK(
      windows_manifest_file(R"(C:\Program Files\Postguard\postguard-host.exe)", Family::chromium) ==
      R"(C:\Program Files\Postguard\org.postguard.host.chromium.json)");
  CHECK(
      windows_manifest_file(R"(C:\Program Files\Postguard\postguard-host.exe)", Family::firefox) ==
      R"(C:\Program Files\Postguard\org.postguard.host.firefox.json)");
}

TEST_CASE("install table: names", "[install]") {
  for (Browser b : browsers_on(Os::linux_os)) CHECK(parse_browser(to_string(b)) == b);
  CHECK(!parse_browser("opera"));
  CHECK(display_name(Browser::edge) == "Microsoft Edge");
  CHECK(family_of(Browser::brave) == Family::chromium);
  CHECK(family_of(Browser::firefox) == Family::firefox);
  CHECK(current_os() == Os::linux_os);
}

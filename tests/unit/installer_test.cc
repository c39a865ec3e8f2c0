// install then uninstall in a temp root: exactly the manifests, nothing left behind, nothing
// else touched; the host binary is checked first.
#include <sys/stat.h>

#include <cstdlib>
#include <sstream>

#include <catch2/catch.hpp>

#include "cli.h"
#include "host_manifest.h"
#include "installer.h"
#include "test_support.h"

#ifndef POSTGUARD_HOST_PATH
#error "POSTGUARD_HOST_PATH must name the postguard-host binary"
#endif

using namespace postguard;
using postguard::testing::TempDir;
namespace fs = std::filesystem;

namespace {

Locations in(const TempDir& tmp) {
  return Locations{tmp.path() / "home", tmp.path() / "home" / ".config", tmp.path() / "root"};
}

std::vector<std::string> regular_files(const fs::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(dir, ec)) {
    if (e.is_regular_file()) out.push_back(fs::relative(e.path(), dir).string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

// Sets environment variables for one test and puts the old values back.
class EnvGuard {
 public:
  void set(const char* name, const std::string& value) {
    const char* old = std::getenv(name);
    saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
    ::setenv(name, value.c_str(), 1);
  }
  ~EnvGuard() {
    for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) {
      if (it->second) {
        ::setenv(it->first.c_str(), it->second->c_str(), 1);
      } else {
        ::unsetenv(it->first.c_str());
      }
    }
  }

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

int cli(const std::vector<std::string>& args, std::string& out, std::string& err) {
  std::vector<std::string> argv = {"postguard"};
  argv.insert(argv.end(), args.begin(), args.end());
  std::istringstream input;
  std::ostringstream o, e;
  const int code = run_cli(argv, input, o, e);
  out = o.str();
  err = e.str();
  return code;
}

}  // namespace

TEST_CASE("installer: plan for Linux, user and system", "[install]") {
  TempDir tmp;
  auto user = plan_manifests(Os::linux_os, Level::user, {}, in(tmp));
  REQUIRE(user);
  CHECK(user->size() == 6);
  auto system = plan_manifests(Os::linux_os, Level::system, {}, in(tmp));
  REQUIRE(system);
  // Chrome and Brave share /etc/opt/chrome; /usr/lib64 does not exist under the temp root.
  REQUIRE(system->size() == 5);
  CHECK((*system)[0].browsers == std::vector<Browser>{Browser::chrome, Browser::brave});
  CHECK((*system)[4].file ==
        tmp.path() / "root/usr/lib/mozilla/native-messaging-hosts/org.postguard.host.json");
  CHECK((*system)[4].family == Family::firefox);

  fs::create_directories(tmp.path() / "root/usr/lib64");
  CHECK(plan_manifests(Os::linux_os, Level::system, {}, in(tmp))->size() == 6);

  auto some = plan_manifests(Os::linux_os, Level::user, {Browser::firefox, Browser::edge}, in(tmp));
  REQUIRE(some);
  REQUIRE(some->size() == 2);
  CHECK((*some)[0].browsers == std::vector<Browser>{Browser::edge});

  CHECK(plan_manifests(Os::windows, Level::user, {}, in(tmp)).error().message ==
        "on Windows the MSI installer registers the host; 'postguard install' is for Linux and "
        "macOS");
  CHECK(plan_manifests(Os::linux_os, Level::user, {}, Locations{"", "", ""}).error().message ==
        "cannot find the user's directories: $HOME is not set");
}

TEST_CASE("installer: install then uninstall leaves nothing behind", "[install]") {
  TempDir tmp;
  const fs::path host = POSTGUARD_HOST_PATH;
  for (Level level : {Level::user, Level::system}) {
    INFO(to_string(level));
    auto plan = plan_manifests(Os::linux_os, level, {}, in(tmp));
    REQUIRE(plan);
    auto written = install_manifests(*plan, host);
    REQUIRE(written);
    CHECK(written->size() == plan->size());
    for (const PlannedManifest& p : *plan) {
      CHECK(slurp(p.file) == host_manifest_json(p.family, host.string()));
      struct stat st {};
      REQUIRE(::stat(p.file.c_str(), &st) == 0);
      CHECK((st.st_mode & 0777) == 0644);
    }
    // Again: replaced in place, no temp files left.
    REQUIRE(install_manifests(*plan, host));
    CHECK(regular_files(tmp.path()).size() == plan->size());

    auto removed = uninstall_manifests(*plan);
    REQUIRE(removed);
    CHECK(removed->removed.size() == plan->size());
    CHECK(removed->kept.empty());
    CHECK(regular_files(tmp.path()).empty());
    for (const PlannedManifest& p : *plan) CHECK(!fs::exists(p.file.parent_path()));
    // Nothing left: a second uninstall does nothing.
    CHECK(uninstall_manifests(*plan)->removed.empty());
  }
}

TEST_CASE("installer: system dirs are made readable for everyone", "[install]") {
  TempDir tmp;
  const mode_t old = ::umask(077);
  auto plan = plan_manifests(Os::linux_os, Level::system, {Browser::chromium}, in(tmp));
  auto written = install_manifests(*plan, POSTGUARD_HOST_PATH);
  ::umask(old);
  REQUIRE(written);
  for (fs::path p = tmp.path() / "root/etc/chromium/native-messaging-hosts"; p != tmp.path();
       p = p.parent_path()) {
    INFO(p);
    CHECK((fs::status(p).permissions() & fs::perms::all) == fs::perms(0755));
  }
}

TEST_CASE("installer: uninstall leaves other files alone", "[install]") {
  TempDir tmp;
  auto plan =
      plan_manifests(Os::linux_os, Level::user, {Browser::chromium, Browser::firefox}, in(tmp));
  REQUIRE(plan);
  const fs::path chromium = (*plan)[0].file;
  const fs::path firefox = (*plan)[1].file;
  tmp.write(fs::relative(chromium, tmp.path()).string(), R"({"name": "com.other.host"})");
  tmp.write(fs::relative(firefox, tmp.path()).string(), "not json");
  tmp.write("home/.config/chromium/NativeMessagingHosts/other.json", "{}");
  auto result = uninstall_manifests(*plan);
  REQUIRE(result);
  CHECK(result->removed.empty());
  REQUIRE(result->kept.size() == 2);
  CHECK(result->kept[0] ==
        "left '" + chromium.string() + "' alone: its name is not org.postguard.host");
  CHECK(result->kept[1].rfind(
            "left '" + firefox.string() + "' alone: it is not a manifest (not JSON: ", 0) == 0);
  CHECK(regular_files(tmp.path()).size() == 3);
}

TEST_CASE("installer: the host must exist and be executable", "[install]") {
  TempDir tmp;
  CHECK(check_host(POSTGUARD_HOST_PATH));
  const fs::path missing = tmp.path() / "postguard-host";
  CHECK(check_host(missing).error().message ==
        "postguard-host not found at '" + missing.string() + "' (name it with --host PATH)");
  const fs::path plain = tmp.write("plain", "#!/bin/sh\n");
  CHECK(check_host(plain).error().message ==
        "'" + plain.string() + "' is not an executable file (chmod 755 '" + plain.string() + "')");
  CHECK(check_host(tmp.path()).error().message == "'" + tmp.path().string() +
                                                      "' is not an executable file (chmod 755 '" +
                                                      tmp.path().string() + "')");
  CHECK(check_host("bin/postguard-host").error().message ==
        "the host path 'bin/postguard-host' is not absolute");
  // The default: beside the running program (here the test binary's directory).
  auto def = default_host_path();
  REQUIRE(def);
  CHECK(def->filename() == "postguard-host");
  CHECK(def->is_absolute());
}

TEST_CASE("installer: --system needs root unless a root dir is given", "[install]") {
  const Locations real{"/h", "/h/.config", ""};
  CHECK(root_problem(Level::system, real, 1000, "install") ==
        "--system needs root: run 'sudo postguard install --system'");
  CHECK(root_problem(Level::system, real, 1000, "uninstall") ==
        "--system needs root: run 'sudo postguard uninstall --system'");
  CHECK(!root_problem(Level::system, real, 0, "install"));
  CHECK(!root_problem(Level::user, real, 1000, "install"));
  CHECK(!root_problem(Level::system, Locations{"/h", "/h/.config", "/tmp/x"}, 1000, "install"));
}

TEST_CASE("installer: the install and uninstall commands", "[install]") {
  TempDir tmp;
  EnvGuard env;
  env.set("HOME", (tmp.path() / "home").string());
  env.set("XDG_CONFIG_HOME", (tmp.path() / "config").string());
  env.set("POSTGUARD_INSTALL_ROOT", (tmp.path() / "root").string());
  std::string out, err;

  CHECK(cli({"install", "--browser", "chromium,firefox", "--host", POSTGUARD_HOST_PATH}, out,
            err) == 0);
  CHECK(err.empty());
  const std::string chromium =
      (tmp.path() / "config/chromium/NativeMessagingHosts/org.postguard.host.json").string();
  const std::string firefox =
      (tmp.path() / "home/.mozilla/native-messaging-hosts/org.postguard.host.json").string();
  CHECK(out == "wrote " + chromium + " (Chromium)\nwrote " + firefox + " (Firefox)\n" +
                   "Registered " + POSTGUARD_HOST_PATH +
                   " at user level. Check it with 'postguard doctor'.\n");

  CHECK(cli({"install", "--system", "--browser", "brave", "--host", POSTGUARD_HOST_PATH}, out,
            err) == 0);
  CHECK(fs::exists(tmp.path() /
                   "root/etc/opt/chrome/native-messaging-hosts/org.postguard.host.json"));

  CHECK(cli({"uninstall", "--browser", "firefox", "--browser", "chromium"}, out, err) == 0);
  CHECK(out == "removed " + chromium + "\nremoved " + firefox + "\n");
  CHECK(cli({"uninstall", "--system"}, out, err) == 0);
  CHECK(out ==
        "removed " +
            (tmp.path() / "root/etc/opt/chrome/native-messaging-hosts/org.postguard.host.json")
                .string() +
            "\n");
  CHECK(cli({"uninstall"}, out, err) == 0);
  CHECK(out == "Nothing to remove at user level.\n");
  CHECK(regular_files(tmp.path()).empty());

  const std::string missing = (tmp.path() / "nope").string();
  CHECK(cli({"install", "--host", missing}, out, err) == 1);
  CHECK(err ==
        "postguard: postguard-host not found at '" + missing + "' (name it with --host PATH)\n");
  CHECK(regular_files(tmp.path()).empty());

  CHECK(cli({"install", "--user", "--system"}, out, err) == 2);
  CHECK(err ==
        "postguard: --user and --system exclude each other\n"
        "Try 'postguard install --help' for more information.\n");
  CHECK(cli({"install", "--browser", "chrome,opera"}, out, err) == 2);
  CHECK(err ==
        "postguard: unknown browser 'opera' (known: chrome, chromium, edge, brave, vivaldi, "
        "firefox)\nTry 'postguard install --help' for more information.\n");
  CHECK(cli({"help", "install"}, out, err) == 0);
  CHECK(out.rfind("Usage: postguard install [--user|--system] [--browser NAME ...] [--host PATH]",
                  0) == 0);
}

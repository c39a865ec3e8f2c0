// doctor's diagnoses on a temp home and root, and a real round trip with postguard-host.
#include <algorithm>
#include <sstream>

#include <catch2/catch.hpp>

#include "doctor.h"
#include "host_manifest.h"
#include "test_support.h"

#ifndef POSTGUARD_HOST_PATH
#error "POSTGUARD_HOST_PATH must name the postguard-host binary"
#endif

using namespace postguard;
using postguard::testing::kDemoPack;
using postguard::testing::TempDir;
namespace fs = std::filesystem;

namespace {

const std::string kChromiumUser =
    "home/.config/chromium/NativeMessagingHosts/org.postguard.host.json";
const std::string kChromiumSystem =
    "root/etc/chromium/native-messaging-hosts/org.postguard.host.json";
const std::string kFirefoxUser = "home/.mozilla/native-messaging-hosts/org.postguard.host.json";

// A temp home and root, the demo pack as the only rules, the host's log kept inside.
struct Box {
  TempDir tmp;
  DoctorOptions options;
  Box() {
    tmp.write("rules/demo.json", kDemoPack);
    fs::create_directories(tmp.path() / "home");
    options.os = Os::linux_os;
    options.where = {tmp.path() / "home", tmp.path() / "home" / ".config", tmp.path() / "root"};
    options.rule_dirs = {tmp.path() / "rules"};
    options.host_env = {{"POSTGUARD_DATA_DIR", (tmp.path() / "rules").string()},
                        {"POSTGUARD_LOG_DIR", (tmp.path() / "log").string()},
                        {"XDG_CONFIG_HOME", (tmp.path() / "home" / ".config").string()},
                        {"HOME", (tmp.path() / "home").string()},
                        {"POSTGUARD_RULES_DIR", ""}};
  }
  std::string path(const std::string& rel) const { return (tmp.path() / rel).string(); }
  void manifest(const std::string& rel, Family family,
                const std::string& host = POSTGUARD_HOST_PATH) {
    tmp.write(rel, host_manifest_json(family, host));
  }
  DoctorReport run() const { return run_doctor(options); }
};

std::vector<DoctorCheck> problems(const DoctorReport& r) {
  std::vector<DoctorCheck> out;
  std::copy_if(r.checks.begin(), r.checks.end(), std::back_inserter(out),
               [](const DoctorCheck& c) { return !c.ok; });
  return out;
}

const DoctorCheck* find(const DoctorReport& r, const std::string& group,
                        const std::string& subject) {
  for (const DoctorCheck& c : r.checks) {
    if (c.group == group && c.subject == subject) return &c;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("doctor: all green with a real round trip", "[doctor]") {
  Box box;
  box.manifest(kChromiumUser, Family::chromium);
  box.manifest(kFirefoxUser, Family::firefox);
  const DoctorReport r = box.run();
  CHECK(problems(r).empty());
  CHECK(r.all_green());
  CHECK(r.absent ==
        std::vector<std::string>{"Google Chrome", "Microsoft Edge", "Brave", "Vivaldi"});
  const DoctorCheck* chromium = find(r, "Chromium", "round trip");
  REQUIRE(chromium);
  CHECK(chromium->ok);
  CHECK(chromium->message == "answered hello (1 policy)");
  CHECK(chromium->path == POSTGUARD_HOST_PATH);
  const DoctorCheck* firefox = find(r, "Firefox", "round trip");
  REQUIRE(firefox);
  CHECK(firefox->message == "answered hello (1 policy)");
  const DoctorCheck* rules = find(r, "Rules", "policies");
  REQUIRE(rules);
  CHECK(rules->message == "1 loaded (demo)");
  // The host really was started with the browser's arguments: its log says so.
  std::ifstream log(box.tmp.path() / "log" / "postguard-host.log");
  std::ostringstream text;
  text << log.rdbuf();
  CHECK(text.str().find("chrome-extension://acmnpiifhpicdffioflpmeemfieahodg/") !=
        std::string::npos);
  CHECK(text.str().find("postguard@postguard.org") != std::string::npos);

  std::ostringstream out;
  write_doctor_text(r, out);
  CHECK(out.str().find("Chromium\n  user manifest: " + box.path(kChromiumUser) +
                       "\n    ok       parses as JSON\n") != std::string::npos);
  CHECK(out.str().find("\nNot found (no config dir, no manifest): Google Chrome, Microsoft Edge, "
                       "Brave, Vivaldi\n\nAll green.\n") != std::string::npos);
}

TEST_CASE("doctor: a browser with a config dir and no manifest", "[doctor]") {
  Box box;
  fs::create_directories(box.tmp.path() / "home/.config/google-chrome");
  const DoctorReport r = box.run();
  const std::vector<DoctorCheck> found = problems(r);
  REQUIRE(found.size() == 1);
  const DoctorCheck& p = found[0];
  CHECK(p.group == "Google Chrome");
  CHECK(p.message ==
        "no manifest: Google Chrome cannot start postguard-host (looked at " +
            box.path("home/.config/google-chrome/NativeMessagingHosts/org.postguard.host.json") +
            ", " + box.path("root/etc/opt/chrome/native-messaging-hosts/org.postguard.host.json") +
            ")");
  CHECK(p.fix ==
        "run 'postguard install --user --browser chrome' (or 'sudo postguard install "
        "--system --browser chrome' for every user)");
}

TEST_CASE("doctor: a missing binary", "[doctor]") {
  Box box;
  const std::string missing = box.path("bin/postguard-host");
  box.manifest(kChromiumUser, Family::chromium, missing);
  const DoctorReport r = box.run();
  REQUIRE(problems(r).size() == 1);
  CHECK(problems(r)[0].message == "path '" + missing + "' does not exist");
  CHECK(problems(r)[0].fix ==
        "run 'postguard install --user --browser chromium' (add --host PATH if "
        "postguard-host is elsewhere)");
  CHECK(problems(r)[0].path == box.path(kChromiumUser));
  CHECK(!find(r, "Chromium", "round trip"));  // nothing to start

  box.tmp.write("bin/postguard-host", "#!/bin/sh\n");
  const DoctorReport r2 = box.run();
  REQUIRE(problems(r2).size() == 1);
  CHECK(problems(r2)[0].message == "path '" + missing + "' is not an executable file");
  CHECK(problems(r2)[0].fix == "run 'chmod 755 '" + missing + "''");
}

TEST_CASE("doctor: a relative path and a wrong name", "[doctor]") {
  Box box;
  box.tmp.write(kChromiumUser, R"({"name": "org.postguard.hots", "path": "postguard-host",
    "type": "stdio", "allowed_origins": ["chrome-extension://acmnpiifhpicdffioflpmeemfieahodg/"]})");
  const DoctorReport r = box.run();
  REQUIRE(problems(r).size() == 2);
  CHECK(problems(r)[0].message == "name is 'org.postguard.hots', not org.postguard.host");
  CHECK(problems(r)[1].message ==
        "path 'postguard-host' is not absolute (Linux and macOS need one)");
}

TEST_CASE("doctor: a wrong extension id", "[doctor]") {
  Box box;
  std::string chromium = host_manifest_json(Family::chromium, POSTGUARD_HOST_PATH);
  chromium.replace(chromium.find("acmnpiifhpicdffioflpmeemfieahodg"), 32,
                   "abcdefghijklmnopabcdefghijklmnop");
  box.tmp.write(kChromiumUser, chromium);
  std::string firefox = host_manifest_json(Family::firefox, POSTGUARD_HOST_PATH);
  firefox.replace(firefox.find("postguard@postguard.org"), 23, "other@example.org");
  box.tmp.write(kFirefoxUser, firefox);
  const DoctorReport r = box.run();
  REQUIRE(problems(r).size() == 2);
  CHECK(problems(r)[0].message ==
        "allowed_origins does not name the Postguard extension "
        "(chrome-extension://acmnpiifhpicdffioflpmeemfieahodg/)");
  CHECK(problems(r)[0].fix == "run 'postguard install --user --browser chromium'");
  CHECK(problems(r)[1].message ==
        "allowed_extensions does not name the Postguard add-on (postguard@postguard.org)");

  std::string no_slash = host_manifest_json(Family::chromium, POSTGUARD_HOST_PATH);
  no_slash.erase(no_slash.find("hodg/") + 4, 1);
  box.tmp.write(kChromiumUser, no_slash);
  const DoctorReport r2 = box.run();
  REQUIRE(problems(r2).size() == 2);
  CHECK(problems(r2)[0].message ==
        "allowed_origins has "
        "chrome-extension://acmnpiifhpicdffioflpmeemfieahodg without the "
        "trailing slash");
}

TEST_CASE("doctor: a manifest that does not parse", "[doctor]") {
  Box box;
  box.tmp.write(kChromiumUser, "{\"name\": \"org.postguard.host\",");
  const DoctorReport r = box.run();
  REQUIRE(problems(r).size() == 1);
  CHECK(problems(r)[0].message.rfind("does not parse: not JSON: [json.exception.parse_error.101]",
                                     0) == 0);
  CHECK(problems(r)[0].fix == "remove the broken user manifest at '" + box.path(kChromiumUser) +
                                  "', then run 'postguard install --user --browser chromium'");
  box.tmp.write(kChromiumSystem, "[]");
  fs::remove(box.tmp.path() / kChromiumUser);
  const DoctorReport r2 = box.run();
  REQUIRE(problems(r2).size() == 1);
  CHECK(problems(r2)[0].message == "does not parse: not a JSON object");
  CHECK(problems(r2)[0].fix ==
        "run 'sudo postguard install --system --browser chromium' to rewrite it");
}

TEST_CASE("doctor: a user manifest shadowing the system one", "[doctor]") {
  Box box;
  box.manifest(kChromiumSystem, Family::chromium);
  SECTION("stale: Chromium does not fall back") {
    const std::string gone = box.path("old/postguard-host");
    box.manifest(kChromiumUser, Family::chromium, gone);
    const DoctorReport r = box.run();
    const std::vector<DoctorCheck> found = problems(r);
    REQUIRE(found.size() == 2);
    CHECK(found[0].message == "path '" + gone + "' does not exist");
    const DoctorCheck& shadow = found[1];
    CHECK(shadow.subject == "shadowing");
    CHECK(shadow.message ==
          "the user manifest shadows the system one and is broken: Chromium uses "
          "it and will not fall back to the system manifest '" +
              box.path(kChromiumSystem) + "'");
    CHECK(shadow.fix == "remove the stale user manifest at '" + box.path(kChromiumUser) +
                            "' ('rm '" + box.path(kChromiumUser) + "'')");
    CHECK(!find(r, "Chromium", "round trip"));  // the browser would use the broken one
  }
  SECTION("working, another host") {
    const fs::path other = box.tmp.path() / "other" / "postguard-host";
    fs::create_directories(other.parent_path());
    fs::copy_file(POSTGUARD_HOST_PATH, other);
    box.manifest(kChromiumUser, Family::chromium, other.string());
    const DoctorReport r = box.run();
    REQUIRE(problems(r).size() == 1);
    CHECK(problems(r)[0].message ==
          "the user manifest shadows the system one and starts another "
          "host (" +
              other.string() + " instead of " POSTGUARD_HOST_PATH ")");
    CHECK(find(r, "Chromium", "round trip")->path == other.string());
  }
  SECTION("same host: fine") {
    box.manifest(kChromiumUser, Family::chromium);
    const DoctorReport r = box.run();
    CHECK(r.all_green());
    CHECK(find(r, "Chromium", "shadowing")->message ==
          "the user manifest shadows the system one; both start the same host");
  }
}

TEST_CASE("doctor: Firefox skips a user manifest that does not parse", "[doctor]") {
  Box box;
  box.manifest("root/usr/lib/mozilla/native-messaging-hosts/org.postguard.host.json",
               Family::firefox);
  box.tmp.write(kFirefoxUser, "nope");
  const DoctorReport r = box.run();
  REQUIRE(problems(r).size() == 2);
  CHECK(problems(r)[1].message ==
        "the user manifest shadows the system one and is broken: Firefox skips it and uses the "
        "system manifest '" +
            box.path("root/usr/lib/mozilla/native-messaging-hosts/org.postguard.host.json") + "'");
  const DoctorCheck* trip = find(r, "Firefox", "round trip");
  REQUIRE(trip);
  CHECK(trip->ok);
}

TEST_CASE("doctor: rules that do not load", "[doctor]") {
  Box box;
  box.tmp.write("rules/broken.json", "{");
  box.manifest(kChromiumUser, Family::chromium);
  const DoctorReport r = box.run();
  REQUIRE(problems(r).size() == 1);
  CHECK(problems(r)[0].group == "Rules");
  CHECK(problems(r)[0].message.rfind(box.path("rules/broken.json") + ":", 0) == 0);
  CHECK(problems(r)[0].fix == "fix or remove that pack (see 'postguard rules validate')");

  box.options.rule_dirs = {box.tmp.path() / "none"};
  const DoctorReport r2 = box.run();
  CHECK(find(r2, "Rules", "policies")->message == "no policies found in " + box.path("none"));
}

TEST_CASE("doctor: round trips that fail", "[doctor]") {
  // cat echoes our own hello back: not postguard-host's answer.
  RoundTrip echo = round_trip("/bin/cat", {}, std::chrono::milliseconds(2000));
  CHECK(!echo.ok);
  CHECK(echo.message == R"(the answer is not postguard-host's hello: {"id":1,"type":"hello"})");
  RoundTrip silent = round_trip("/bin/sleep", {"0.5"}, std::chrono::milliseconds(100));
  CHECK(!silent.ok);
  CHECK(silent.message == "no answer within 100 ms");
  RoundTrip gone = round_trip("/nonexistent/postguard-host", {}, std::chrono::milliseconds(100));
  CHECK(!gone.ok);
  CHECK(gone.message == "cannot start '/nonexistent/postguard-host': No such file or directory");
}

TEST_CASE("doctor: JSON output", "[doctor]") {
  DoctorReport r;
  r.checks.push_back(
      {"Chromium", "user manifest", "/m.json", false, "does not parse: x", "fix it"});
  r.absent = {"Vivaldi"};
  std::ostringstream out;
  write_doctor_json(r, out);
  CHECK(out.str() == R"({
  "ok": false,
  "problems": 1,
  "checks": [
    {
      "group": "Chromium",
      "subject": "user manifest",
      "path": "/m.json",
      "ok": false,
      "message": "does not parse: x",
      "fix": "fix it"
    }
  ],
  "absent": [
    "Vivaldi"
  ]
}
)");
  std::ostringstream text;
  write_doctor_text(r, text);
  CHECK(text.str() ==
        "Chromium\n"
        "  user manifest: /m.json\n"
        "    PROBLEM  does not parse: x\n"
        "             fix: fix it\n"
        "\n"
        "Not found (no config dir, no manifest): Vivaldi\n"
        "\n"
        "1 problem found.\n");
}

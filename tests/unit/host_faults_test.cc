// Faults around the real postguard-host binary: rule files edited, broken, removed or made
// unreadable while it runs, and a log it cannot write. It must keep answering, and answer
// right, through all of them.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include "host_process_support.h"

using nlohmann::json;
using postguard::testing::HostProcess;
using postguard::testing::kDemoPack;
using postguard::testing::kOrigin;
using postguard::testing::Sandbox;
using postguard::testing::slurp;

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

json check(HostProcess& host, const std::string& text) {
  static int id = 100;
  return host.ask({{"id", ++id}, {"type", "check"}, {"text", text}, {"policy", "demo"}});
}

// Checks `text` until the answer satisfies `done` (the host looks at its rule files at most
// once a second, before a request), or gives up after 20 s and returns the last answer.
json check_until(HostProcess& host, const std::string& text,
                 const std::function<bool(const json&)>& done) {
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  json a = check(host, text);
  while (!done(a) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(100ms);
    a = check(host, text);
  }
  return a;
}

bool has_rules_error(const json& a) { return a.contains("rulesError"); }

// The rules of the demo pack's one rule, as the host answered them.
std::vector<std::string> rules_of(const json& a) {
  std::vector<std::string> out;
  for (const json& w : a["warnings"]) out.push_back(w["rule"]);
  return out;
}

const std::vector<std::string> kSecret = {"demo.secret"};

// The demo pack flagging `phrase` instead.
std::string demo_pack(const std::string& phrase) {
  std::string pack = kDemoPack;
  const std::string from = R"("phrases": ["top secret", "draft standard"])";
  pack.replace(pack.find(from), from.size(), R"("phrases": [")" + phrase + R"("])");
  const std::string ex = R"("trigger": ["top secret plan", "the draft standard says"])";
  pack.replace(pack.find(ex), ex.size(),
               R"("trigger": [")" + phrase + R"(", "a )" + phrase + R"( b"])");
  return pack;
}

}  // namespace

TEST_CASE("host faults: a rule file broken and fixed under the running host", "[host-faults]") {
  Sandbox box;
  const fs::path demo = box.root() / "rules" / "demo.json";
  HostProcess host({kOrigin}, box.env());
  json a = check(host, "top secret plan");
  CHECK(rules_of(a) == kSecret);
  CHECK_FALSE(has_rules_error(a));

  // An edit saved half-way: invalid JSON.
  std::ofstream(demo, std::ios::trunc) << "{\"format\": 1,\n \"id\": ";
  a = check_until(host, "top secret plan", has_rules_error);
  REQUIRE(has_rules_error(a));
  CHECK(rules_of(a) == kSecret);  // the last good rules still answer
  const std::string error = demo.string() +
                            ":2:8: invalid JSON: syntax error while parsing value - unexpected "
                            "end of input; expected '[', '{', or a literal";
  CHECK(a["rulesError"] == json{{"message", error}, {"count", 1}, {"stale", true}});
  json hello = host.ask({{"id", 1}, {"type", "hello"}});
  CHECK(hello["rulesErrors"] == 1);
  CHECK(hello["rulesErrorMessages"] == json::array({error}));
  CHECK(hello["policies"].size() == 1);

  // Fixed, with another phrase: taken, and the error clears.
  std::ofstream(demo, std::ios::trunc) << demo_pack("xyzzy");
  a = check_until(host, "xyzzy", [](const json& x) { return !has_rules_error(x); });
  CHECK_FALSE(has_rules_error(a));
  CHECK(rules_of(a) == kSecret);
  CHECK(rules_of(check(host, "top secret plan")).empty());
  hello = host.ask({{"id", 2}, {"type", "hello"}});
  CHECK(hello["rulesErrors"] == 0);
  CHECK(hello["rulesErrorMessages"] == json::array());

  host.close_stdin();
  CHECK(host.wait() == 0);
  const std::string log = slurp(box.log_file());
  CHECK(log.find("error rules: " + error) != std::string::npos);
  CHECK(log.find("policy demo keeps its last good rules") != std::string::npos);
  CHECK(log.find("policies now: demo(1); rule errors: 0") != std::string::npos);
  CHECK(log.find("top secret") == std::string::npos);  // never the post text
  CHECK(log.find("xyzzy\"") == std::string::npos);
}

TEST_CASE("host faults: the rules directory removed, or replaced by a file", "[host-faults]") {
  Sandbox box;
  const fs::path rules = box.root() / "rules";
  HostProcess host({kOrigin}, box.env());
  CHECK(rules_of(check(host, "top secret")) == kSecret);

  fs::remove_all(rules);
  json a = check_until(host, "top secret", has_rules_error);
  CHECK(rules_of(a) == kSecret);
  CHECK(a["rulesError"]["message"] ==
        rules.string() + ": cannot read the directory: No such file or directory");
  CHECK(a["rulesError"]["stale"] == true);

  std::ofstream(rules) << "not a directory";
  a = check_until(host, "top secret", [](const json& x) {
    return x["rulesError"]["message"].get<std::string>().ends_with("Not a directory");
  });
  CHECK(rules_of(a) == kSecret);
  CHECK(a["rulesError"]["message"] ==
        rules.string() + ": cannot read the directory: Not a directory");

  fs::remove(rules);
  fs::create_directories(rules);
  std::ofstream(rules / "demo.json") << demo_pack("xyzzy");
  a = check_until(host, "xyzzy", [](const json& x) { return !has_rules_error(x); });
  CHECK(rules_of(a) == kSecret);
  host.close_stdin();
  CHECK(host.wait() == 0);
}

// Root reads any directory whatever its mode, so as root the host runs as nobody (setpriv).
TEST_CASE("host faults: a rules directory the host may not read", "[host-faults]") {
  Sandbox box;
  const fs::path rules = box.root() / "rules";
  std::vector<std::string> wrapper;
  if (::geteuid() == 0) {
    REQUIRE(fs::exists("/usr/bin/setpriv"));  // util-linux, essential in Debian
    wrapper = {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"};
    fs::create_directories(box.root() / "log");
    REQUIRE(::chown((box.root() / "log").c_str(), 65534, 65534) == 0);
  }
  HostProcess host({kOrigin}, box.env(), wrapper);
  CHECK(rules_of(check(host, "top secret")) == kSecret);

  fs::permissions(rules, fs::perms::none);
  json a = check_until(host, "top secret", has_rules_error);
  fs::permissions(rules, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                             fs::perms::others_read | fs::perms::others_exec);
  CHECK(rules_of(a) == kSecret);
  CHECK(a["rulesError"]["message"] ==
        rules.string() + ": cannot read the directory: Permission denied");

  a = check_until(host, "top secret", [](const json& x) { return !has_rules_error(x); });
  CHECK_FALSE(has_rules_error(a));
  CHECK(rules_of(a) == kSecret);
  host.close_stdin();
  CHECK(host.wait() == 0);
}

TEST_CASE("host faults: a log on a full disk changes nothing the browser sees", "[host-faults]") {
  Sandbox box;
  fs::create_directories(box.root() / "log");
  // Every write to /dev/full fails with ENOSPC, as on a full disk.
  fs::create_symlink("/dev/full", box.log_file());
  HostProcess host({kOrigin}, box.env());
  CHECK(host.ask({{"id", 1}, {"type", "hello"}})["type"] == "hello");
  for (int i = 0; i < 300; ++i) {
    INFO(i);
    const bool secret = i % 2 == 0;
    json a = check(host, secret ? "top secret plan" : "nothing to see");
    REQUIRE(a["type"] == "result");
    CHECK(rules_of(a).size() == (secret ? 1u : 0u));
  }
  // Errors to log too: a broken rule file.
  std::ofstream(box.root() / "rules" / "demo.json", std::ios::trunc) << "{";
  json a = check_until(host, "top secret", has_rules_error);
  CHECK(rules_of(a) == kSecret);
  CHECK(host.ask({{"id", "bad"}, {"type", "nope"}})["code"] == "unknown-type");
  host.close_stdin();
  CHECK(host.drain().empty());  // stdout held the frames and nothing else
  CHECK(host.wait() == 0);
  CHECK(fs::is_symlink(box.log_file()));
}

TEST_CASE("host faults: a log directory that cannot be created", "[host-faults]") {
  Sandbox box;
  for (const std::string dir : {"/proc/postguard-test/log", "/dev/null/log"}) {
    INFO(dir);
    auto env = box.env();
    env["POSTGUARD_LOG_DIR"] = dir;  // not even root can create these
    HostProcess host({kOrigin}, env);
    CHECK(host.ask({{"id", 1}, {"type", "hello"}})["type"] == "hello");
    CHECK(rules_of(check(host, "top secret")) == kSecret);
    host.close_stdin();
    CHECK(host.drain().empty());
    CHECK(host.wait() == 0);
    CHECK_FALSE(fs::exists(dir));
  }
}

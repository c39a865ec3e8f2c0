// The real postguard-host binary, spawned with pipes the way a browser starts it.
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include "host_process_support.h"

using nlohmann::json;
using postguard::testing::frame;
using postguard::testing::has_policy;
using postguard::testing::header;
using postguard::testing::HostProcess;
using postguard::testing::kOrigin;
using postguard::testing::Sandbox;
using postguard::testing::slurp;

namespace fs = std::filesystem;

TEST_CASE("host process: hello and check, then EOF exits 0", "[host-process]") {
  Sandbox box;
  HostProcess host({kOrigin}, box.env());

  json hello = host.ask({{"id", 1}, {"type", "hello"}});
  CHECK(hello["type"] == "hello");
  CHECK(hello["id"] == 1);
  CHECK(hello["protocol"] == 1);
  CHECK(hello["version"].is_string());
  CHECK(has_policy(hello, "demo"));

  // 👍🏽 xyzzy top secret 日本
  json result = host.ask(
      {{"id", 2},
       {"type", "check"},
       {"text", "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD xyzzy top secret \xE6\x97\xA5\xE6\x9C\xAC"},
       {"policy", "demo"}});
  CHECK(result["type"] == "result");
  CHECK(result["id"] == 2);
  CHECK(result["policy"] == "demo");
  REQUIRE(result["warnings"].size() == 1);
  CHECK(result["warnings"][0]["rule"] == "demo.secret");
  CHECK(result["warnings"][0]["start"] == 11);
  CHECK(result["warnings"][0]["end"] == 21);

  host.close_stdin();
  CHECK(host.wait() == 0);

  std::string log = slurp(box.log_file());
  CHECK(log.find("start postguard-host") != std::string::npos);
  CHECK(log.find(kOrigin) != std::string::npos);
  CHECK(log.find("type=check policy=demo") != std::string::npos);
  CHECK(log.find("stdin closed") != std::string::npos);
  CHECK(log.find("xyzzy") == std::string::npos);  // never the post text
}

TEST_CASE("host process: bad requests get errors and the host keeps serving", "[host-process]") {
  Sandbox box;
  HostProcess host({kOrigin}, box.env());
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"", "empty-frame"},
      {"{nope", "bad-json"},
      {"{\"id\":1,\"type\":\"hello\",\"x\":\"\xFF\"}", "bad-utf8"},
      {std::string(100, '['), "too-deep"},
      {R"({"id":1,"type":"check","policy":"demo","text":"\ud800"})", "lone-surrogate"},
      {R"({"id":1,"type":"check","policy":"demo","text":"xyzzy\u0000"})", "bad-text"},
      {R"({"id":1,"type":"check","policy":"nope","text":"xyzzy"})", "unknown-policy"},
      {R"({"id":1,"type":"what"})", "unknown-type"},
      {R"({"id":1})", "bad-request"},
  };
  for (const auto& [request, code] : bad) {
    INFO(code);
    REQUIRE(host.send(frame(request)));
    std::optional<std::string> a = host.read_frame();
    REQUIRE(a.has_value());
    json j = json::parse(*a);
    CHECK(j["type"] == "error");
    CHECK(j["code"] == code);
    CHECK(host.ask({{"id", 9}, {"type", "hello"}})["type"] == "hello");
  }
  host.close_stdin();
  CHECK(host.wait() == 0);
  // Error messages are logged; none may quote the text of the request that caused them.
  CHECK(slurp(box.log_file()).find("xyzzy") == std::string::npos);
  std::string log = slurp(box.log_file());
  CHECK(log.find("error=bad-json") != std::string::npos);
  CHECK(log.find("xyzzy") == std::string::npos);
}

TEST_CASE("host process: Firefox's arguments are accepted", "[host-process]") {
  Sandbox box;
  HostProcess host(
      {"/usr/lib/mozilla/native-messaging-hosts/org.postguard.host.json", "postguard@example.org"},
      box.env());
  CHECK(host.ask({{"id", "a"}, {"type", "hello"}})["id"] == "a");
  host.close_stdin();
  CHECK(host.wait() == 0);
  CHECK(slurp(box.log_file()).find("extension=postguard@example.org") != std::string::npos);
}

// On Windows Chrome starts us as `cmd.exe /d /c "<host>" <origin> --parent-window=<N>`.
TEST_CASE("host process: Chrome's Windows arguments are accepted", "[host-process]") {
  Sandbox box;
  HostProcess host({kOrigin, "--parent-window=0"}, box.env());
  CHECK(host.ask({{"id", 1}, {"type", "hello"}})["type"] == "hello");
  host.close_stdin();
  CHECK(host.wait() == 0);
  const std::string log = slurp(box.log_file());
  CHECK(log.find(std::string("origin=\"") + kOrigin + "\"") != std::string::npos);
  CHECK(log.find("extension=") == std::string::npos);  // a flag, not an add-on id
}

TEST_CASE("host process: a stream cut mid-frame exits 3", "[host-process]") {
  Sandbox box;
  SECTION("inside the body") {
    HostProcess host({kOrigin}, box.env());
    CHECK(host.ask({{"id", 1}, {"type", "hello"}})["type"] == "hello");
    REQUIRE(host.send(header(100) + "{\"id\":2,"));
    host.close_stdin();
    CHECK(host.wait() == 3);
    CHECK(slurp(box.log_file()).find("input ended inside a frame") != std::string::npos);
  }
  SECTION("inside the header") {
    HostProcess host({kOrigin}, box.env());
    REQUIRE(host.send(std::string("\x10\x00", 2)));
    host.close_stdin();
    CHECK(host.wait() == 3);
  }
}

TEST_CASE("host process: a frame over 64 MiB exits 3 without waiting for it", "[host-process]") {
  Sandbox box;
  HostProcess host({kOrigin}, box.env());
  REQUIRE(host.send(header(64u * 1024 * 1024 + 1)));
  // stdin stays open: the host must not wait for a body it will never accept.
  CHECK(host.wait(std::chrono::seconds(10)) == 3);
  CHECK(slurp(box.log_file()).find("over the 67108864 byte limit") != std::string::npos);
}

TEST_CASE("host process: a frame of exactly 64 MiB is served", "[host-process]") {
  Sandbox box;
  HostProcess host({kOrigin}, box.env());
  const std::string head = R"({"id":5,"type":"hello","pad":")";
  const std::string tail = R"("})";
  std::string request =
      head + std::string(std::size_t{64} * 1024 * 1024 - head.size() - tail.size(), 'x') + tail;
  REQUIRE(request.size() == std::size_t{64} * 1024 * 1024);
  std::thread writer([&] { host.send(frame(request)); });
  std::optional<std::string> a = host.read_frame(std::chrono::seconds(120));
  writer.join();
  REQUIRE(a.has_value());
  CHECK(json::parse(*a)["type"] == "hello");
  host.close_stdin();
  CHECK(host.wait() == 0);
}

TEST_CASE("host process: answers stay within 1 MiB", "[host-process]") {
  Sandbox box;
  HostProcess host({kOrigin}, box.env());
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "top secret ";
  json a = host.ask({{"id", 1}, {"type", "check"}, {"text", text}, {"policy", "demo"}});
  CHECK(host.last_frame_length() <= 1048576);
  CHECK(a["truncated"] == true);
  CHECK(a["warnings"].size() + a["omitted"].get<std::size_t>() == 20000);
  host.close_stdin();
  CHECK(host.wait() == 0);
}

TEST_CASE("host process: a closed stdout ends the host cleanly", "[host-process]") {
  Sandbox box;
  HostProcess host({kOrigin}, box.env());
  host.close_stdout();
  host.send(frame(R"({"id":1,"type":"hello"})"));
  host.close_stdin();
  CHECK(host.wait() == 4);  // not 1000 + SIGPIPE
  CHECK(slurp(box.log_file()).find("stdout closed") != std::string::npos);
}

TEST_CASE("host process: an unusable log directory does not matter", "[host-process]") {
  Sandbox box;
  std::ofstream(box.root() / "not-a-dir") << "x";
  auto env = box.env();
  env["POSTGUARD_LOG_DIR"] = (box.root() / "not-a-dir" / "logs").string();
  HostProcess host({kOrigin}, env);
  CHECK(host.ask({{"id", 1}, {"type", "hello"}})["type"] == "hello");
  CHECK(host.ask({{"id", 2},
                  {"type", "check"},
                  {"text", "top secret"},
                  {"policy", "demo"}})["warnings"]
            .size() == 1);
  host.close_stdin();
  CHECK(host.drain().empty());  // and nothing but frames went to stdout
  CHECK(host.wait() == 0);
}

TEST_CASE("host process: the log follows XDG_STATE_HOME", "[host-process]") {
  Sandbox box;
  auto env = box.env();
  env["POSTGUARD_LOG_DIR"] = "";
  HostProcess host({kOrigin}, env);
  CHECK(host.ask({{"id", 1}, {"type", "hello"}})["type"] == "hello");
  host.close_stdin();
  CHECK(host.wait() == 0);
  CHECK(fs::exists(box.root() / "state" / "postguard" / "postguard-host.log"));
}

TEST_CASE("host process: POSTGUARD_LOG_TEXT=1 logs the text", "[host-process]") {
  Sandbox box;
  auto env = box.env();
  env["POSTGUARD_LOG_TEXT"] = "1";
  HostProcess host({kOrigin}, env);
  host.ask({{"id", 1}, {"type", "check"}, {"text", "xyzzy top secret"}, {"policy", "demo"}});
  host.close_stdin();
  CHECK(host.wait() == 0);
  CHECK(slurp(box.log_file()).find("xyzzy") != std::string::npos);
}

TEST_CASE("host process: --version prints the version", "[host-process]") {
  Sandbox box;
  HostProcess host({"--version"}, box.env());
  host.close_stdin();
  std::string out = host.drain();
  CHECK(out.rfind("postguard-host ", 0) == 0);
  CHECK(host.wait() == 0);
}

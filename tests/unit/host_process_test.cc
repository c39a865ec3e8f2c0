// The real postguard-host binary, spawned with pipes the way a browser starts it.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "test_support.h"
#include <nlohmann/json.hpp>

#ifndef POSTGUARD_HOST_PATH
#error "POSTGUARD_HOST_PATH must name the postguard-host binary"
#endif

extern char** environ;

using nlohmann::json;

using postguard::testing::kDemoPack;

namespace {

namespace fs = std::filesystem;


const char* const kOrigin = "chrome-extension://abcdefghijklmnopabcdefghijklmnop/";

std::string header(std::uint32_t n) {
  std::string h(4, '\0');
  std::memcpy(h.data(), &n, 4);
  return h;
}

std::string frame(std::string_view payload) {
  return header(static_cast<std::uint32_t>(payload.size())) + std::string(payload);
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A temp dir holding the demo pack (rules/), a log dir (log/) and empty stand-ins for the
// built-in rule locations, so the host sees exactly the demo policy plus whatever
// default_rule_dirs() cannot be steered away from.
class Sandbox {
 public:
  Sandbox() {
    static std::atomic<int> counter{0};
    root_ = fs::temp_directory_path() /
            ("postguard-host-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(root_);
    fs::create_directories(root_ / "rules");
    fs::create_directories(root_ / "data");
    fs::create_directories(root_ / "config");
    fs::create_directories(root_ / "home");
    std::ofstream(root_ / "rules" / "demo.json") << kDemoPack;
  }
  ~Sandbox() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  const fs::path& root() const { return root_; }
  fs::path log_file() const { return root_ / "log" / "postguard-host.log"; }
  std::map<std::string, std::string> env() const {
    return {{"POSTGUARD_RULES_DIR", (root_ / "rules").string()},
            {"POSTGUARD_LOG_DIR", (root_ / "log").string()},
            {"POSTGUARD_DATA_DIR", (root_ / "data").string()},
            {"XDG_CONFIG_HOME", (root_ / "config").string()},
            {"XDG_STATE_HOME", (root_ / "state").string()},
            {"HOME", (root_ / "home").string()},
            {"POSTGUARD_LOG_TEXT", ""}};
  }

 private:
  fs::path root_;
};

class HostProcess {
 public:
  HostProcess(const std::vector<std::string>& args, const std::map<std::string, std::string>& env) {
    // Our own writes to a host that has exited must fail with EPIPE, not kill the test.
    std::signal(SIGPIPE, SIG_IGN);
    int in[2], out[2];
    REQUIRE(::pipe2(in, O_CLOEXEC) == 0);
    REQUIRE(::pipe2(out, O_CLOEXEC) == 0);

    std::vector<std::string> argv_s = {POSTGUARD_HOST_PATH};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    argv.reserve(argv_s.size() + 1);
    for (std::string& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);

    std::map<std::string, std::string> merged;
    for (char** e = environ; *e != nullptr; ++e) {
      std::string kv = *e;
      auto eq = kv.find('=');
      if (eq != std::string::npos) merged[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    for (const auto& [k, v] : env) {
      if (v.empty()) {
        merged.erase(k);
      } else {
        merged[k] = v;
      }
    }
    std::vector<std::string> env_s;
    env_s.reserve(merged.size());
    for (const auto& [k, v] : merged)
      env_s.push_back(k + '=' + v);  // NOLINT(performance-inefficient-string-concatenation)
    std::vector<char*> envp;
    envp.reserve(env_s.size() + 1);
    for (std::string& e : env_s) envp.push_back(e.data());
    envp.push_back(nullptr);

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    // Browsers start hosts with SIGPIPE at its default (fatal) disposition; so must we, or
    // the host's own handling would go untested.
    sigset_t def;
    sigemptyset(&def);
    sigaddset(&def, SIGPIPE);
    posix_spawnattr_setsigdefault(&attr, &def);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
    int rc = posix_spawn(&pid_, POSTGUARD_HOST_PATH, &fa, &attr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    ::close(in[0]);
    ::close(out[1]);
    to_host_ = in[1];
    from_host_ = out[0];
    REQUIRE(rc == 0);
  }

  ~HostProcess() {
    close_stdin();
    close_stdout();
    if (pid_ > 0 && !exited_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }

  bool send(std::string_view bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
      ssize_t w = ::write(to_host_, bytes.data() + done, bytes.size() - done);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) return false;
      done += static_cast<std::size_t>(w);
    }
    return true;
  }

  // The next frame's payload, or nothing on EOF or after `timeout` without progress.
  std::optional<std::string> read_frame(
      std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    std::string h;
    if (!read_exact(h, 4, timeout)) return std::nullopt;
    std::uint32_t n;
    std::memcpy(&n, h.data(), 4);
    last_frame_length_ = n;
    std::string body;
    if (!read_exact(body, n, timeout)) return std::nullopt;
    return body;
  }

  json ask(const json& request) {
    REQUIRE(send(frame(request.dump())));
    std::optional<std::string> a = read_frame();
    REQUIRE(a.has_value());
    return json::parse(*a);
  }

  // Everything left on stdout until EOF.
  std::string drain() {
    std::string out;
    std::string chunk;
    while (read_exact(chunk, 1, std::chrono::seconds(30))) out += chunk;
    return out;
  }

  void close_stdin() {
    if (to_host_ >= 0) ::close(to_host_);
    to_host_ = -1;
  }
  void close_stdout() {
    if (from_host_ >= 0) ::close(from_host_);
    from_host_ = -1;
  }

  // The exit status (0-255), or 1000 + signal if it died of one, or -1 on timeout.
  int wait(std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      int status = 0;
      pid_t r = ::waitpid(pid_, &status, WNOHANG);
      if (r == pid_) {
        exited_ = true;
        if (WIFEXITED(status)) return WEXITSTATUS(status);
        if (WIFSIGNALED(status)) return 1000 + WTERMSIG(status);
        return -2;
      }
      if (std::chrono::steady_clock::now() > deadline) return -1;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

  std::uint32_t last_frame_length() const { return last_frame_length_; }

 private:
  bool read_exact(std::string& out, std::size_t n, std::chrono::milliseconds timeout) {
    out.clear();
    out.reserve(n);
    char buf[65536];
    while (out.size() < n) {
      pollfd p{from_host_, POLLIN, 0};
      int ready = ::poll(&p, 1, static_cast<int>(timeout.count()));
      if (ready < 0 && errno == EINTR) continue;
      if (ready <= 0) return false;
      ssize_t r = ::read(from_host_, buf, std::min(sizeof buf, n - out.size()));
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) return false;
      out.append(buf, static_cast<std::size_t>(r));
    }
    return true;
  }

  pid_t pid_ = -1;
  int to_host_ = -1;
  int from_host_ = -1;
  bool exited_ = false;
  std::uint32_t last_frame_length_ = 0;
};

bool has_policy(const json& hello, const std::string& id) {
  for (const json& p : hello["policies"]) {
    if (p["id"] == id) return true;
  }
  return false;
}

}  // namespace

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

// The real postguard-host binary, spawned with pipes the way a browser starts it, in a
// sandbox of its own rule and log directories. Shared by the tests that drive the binary.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include "../support/spawn_with_pipes.h"
#include "test_support.h"

#ifndef POSTGUARD_HOST_PATH
#error "POSTGUARD_HOST_PATH must name the postguard-host binary"
#endif

namespace postguard::testing {

namespace fs = std::filesystem;
using nlohmann::json;

inline const char* const kOrigin = "chrome-extension://abcdefghijklmnopabcdefghijklmnop/";

inline std::string header(std::uint32_t n) {
  std::string h(4, '\0');
  std::memcpy(h.data(), &n, 4);
  return h;
}

inline std::string frame(std::string_view payload) {
  return header(static_cast<std::uint32_t>(payload.size())) + std::string(payload);
}

inline std::string slurp(const fs::path& p) {
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
  // `wrapper`: a program and its arguments that run the host (e.g. setpriv to drop root).
  HostProcess(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
              const std::vector<std::string>& wrapper = {}) {
    // Our own writes to a host that has exited must fail with EPIPE, not kill the test.
    std::signal(SIGPIPE, SIG_IGN);
    std::vector<std::string> argv = wrapper;
    argv.push_back(POSTGUARD_HOST_PATH);
    argv.insert(argv.end(), args.begin(), args.end());
    std::map<std::string, std::string> merged = current_environment();
    for (const auto& [k, v] : env) {
      if (v.empty()) {
        merged.erase(k);
      } else {
        merged[k] = v;
      }
    }
    const Spawned h = spawn_with_pipes(argv, merged);
    REQUIRE(h.error == 0);
    pid_ = h.pid;
    to_host_ = h.to;
    from_host_ = h.from;
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

inline bool has_policy(const json& hello, const std::string& id) {
  for (const json& p : hello["policies"]) {
    if (p["id"] == id) return true;
  }
  return false;
}

}  // namespace postguard::testing

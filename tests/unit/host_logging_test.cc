// The host's log: where it goes, that a missing log is harmless, and log-safe escaping.
#include "logging.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>

#include <unistd.h>

#include <catch2/catch.hpp>

namespace fs = std::filesystem;
using postguard::default_log_dir;
using postguard::escape_for_log;
using postguard::open_host_log;

namespace {

using Vars = std::map<std::string, std::optional<std::string>>;

// Sets environment variables for one scope and restores them after.
class ScopedEnv {
 public:
  explicit ScopedEnv(const std::map<std::string, std::optional<std::string>>& vars) {
    for (const auto& [k, v] : vars) {
      const char* old = std::getenv(k.c_str());
      saved_[k] = old ? std::optional<std::string>(old) : std::nullopt;
      set(k, v);
    }
  }
  ~ScopedEnv() {
    for (const auto& [k, v] : saved_) set(k, v);
  }

 private:
  static void set(const std::string& k, const std::optional<std::string>& v) {
    if (v) {
      ::setenv(k.c_str(), v->c_str(), 1);
    } else {
      ::unsetenv(k.c_str());
    }
  }
  std::map<std::string, std::optional<std::string>> saved_;
};

fs::path temp_dir(const std::string& name) {
  fs::path p = fs::temp_directory_path() /
               ("postguard-logging-test-" + std::to_string(::getpid()) + "-" + name);
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

#if !defined(_WIN32) && !defined(__APPLE__)
TEST_CASE("logging: the log directory comes from the environment", "[logging]") {
  {
    ScopedEnv env(
        Vars{{"POSTGUARD_LOG_DIR", "/x/logs"}, {"XDG_STATE_HOME", "/state"}, {"HOME", "/h"}});
    CHECK(default_log_dir() == fs::path("/x/logs"));
  }
  {
    ScopedEnv env(Vars{{"POSTGUARD_LOG_DIR", ""}, {"XDG_STATE_HOME", "/state"}, {"HOME", "/h"}});
    CHECK(default_log_dir() == fs::path("/state/postguard"));
  }
  {
    ScopedEnv env(
        Vars{{"POSTGUARD_LOG_DIR", std::nullopt}, {"XDG_STATE_HOME", "relative"}, {"HOME", "/h"}});
    CHECK(default_log_dir() == fs::path("/h/.local/state/postguard"));
  }
  {
    ScopedEnv env(Vars{{"POSTGUARD_LOG_DIR", std::nullopt},
                       {"XDG_STATE_HOME", std::nullopt},
                       {"HOME", std::nullopt}});
    CHECK(default_log_dir().empty());
  }
}
#endif

TEST_CASE("logging: the log file is created and written", "[logging]") {
  fs::path dir = temp_dir("ok");
  {
    postguard::HostLog log = open_host_log(dir / "nested" / "logs");
    REQUIRE(log.problem.empty());
    CHECK(log.file == dir / "nested" / "logs" / "postguard-host.log");
    log.logger->info("hello {}", 42);
    CHECK(slurp(log.file).find("info hello 42") != std::string::npos);  // flushed at once
  }
  fs::remove_all(dir);
}

TEST_CASE("logging: the log rotates at 1 MiB and keeps 3 files", "[logging]") {
  fs::path dir = temp_dir("rotate");
  {
    postguard::HostLog log = open_host_log(dir);
    REQUIRE(log.problem.empty());
    std::string line(1000, 'x');
    for (int i = 0; i < 5000; ++i) log.logger->info("{}", line);
  }
  CHECK(fs::file_size(dir / "postguard-host.log") <= postguard::kLogFileBytes);
  CHECK(fs::exists(dir / "postguard-host.1.log"));
  CHECK(fs::exists(dir / "postguard-host.3.log"));
  CHECK_FALSE(fs::exists(dir / "postguard-host.4.log"));
  fs::remove_all(dir);
}

TEST_CASE("logging: an unusable directory gives a silent logger", "[logging]") {
  fs::path dir = temp_dir("bad");
  std::ofstream(dir / "file") << "x";
  for (const fs::path& bad : {dir / "file" / "logs", fs::path()}) {
    postguard::HostLog log = open_host_log(bad);
    REQUIRE(log.logger != nullptr);
    CHECK(log.file.empty());
    CHECK_FALSE(log.problem.empty());
    log.logger->error("goes nowhere");  // and does not throw
  }
  // A directory where the log file name is taken by a directory.
  fs::create_directories(dir / "taken" / "postguard-host.log");
  postguard::HostLog log = open_host_log(dir / "taken");
  CHECK(log.file.empty());
  CHECK_FALSE(log.problem.empty());
  fs::remove_all(dir);
}

TEST_CASE("logging: POSTGUARD_LOG_TEXT must be exactly 1", "[logging]") {
  {
    ScopedEnv env(Vars{{"POSTGUARD_LOG_TEXT", "1"}});
    CHECK(postguard::log_text_enabled());
  }
  for (const char* v : {"0", "yes", "true", ""}) {
    ScopedEnv env(Vars{{"POSTGUARD_LOG_TEXT", v}});
    CHECK_FALSE(postguard::log_text_enabled());
  }
  ScopedEnv env(Vars{{"POSTGUARD_LOG_TEXT", std::nullopt}});
  CHECK_FALSE(postguard::log_text_enabled());
}

TEST_CASE("logging: escape_for_log keeps one line and valid text", "[logging]") {
  CHECK(escape_for_log("plain", 100) == "plain");
  CHECK(escape_for_log("a\nb\\c\x01", 100) == "a\\x0ab\\x5cc\\x01");
  CHECK(escape_for_log("caf\xC3\xA9", 100) == "caf\xC3\xA9");
  CHECK(escape_for_log("bad\xFF", 100) == "bad\\xff");
  CHECK(escape_for_log("abcdef", 3) == "abc...");
  // Never cuts a character in half.
  CHECK(escape_for_log("ab\xE6\x97\xA5", 3) == "ab...");
  CHECK(escape_for_log(std::string("\0", 1), 10) == "\\x00");
}

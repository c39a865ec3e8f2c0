#include "logging.h"

#include <cstdlib>
#include <exception>
#include <system_error>

#include <spdlog/sinks/null_sink.h>
#include <spdlog/sinks/rotating_file_sink.h>

#include "utf.h"

namespace postguard {

namespace {

std::filesystem::path env_path(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return {};
  return std::filesystem::path(v);
}

}  // namespace

std::filesystem::path default_log_dir() {
  if (std::filesystem::path p = env_path("POSTGUARD_LOG_DIR"); !p.empty()) return p;
#if defined(_WIN32)
  if (std::filesystem::path p = env_path("LOCALAPPDATA"); !p.empty()) {
    return p / "Postguard" / "logs";
  }
  return {};
#elif defined(__APPLE__)
  if (std::filesystem::path home = env_path("HOME"); !home.empty()) {
    return home / "Library" / "Logs" / "Postguard";
  }
  return {};
#else
  // The XDG base-directory spec says relative values are invalid and must be ignored.
  if (std::filesystem::path p = env_path("XDG_STATE_HOME"); !p.empty() && p.is_absolute()) {
    return p / "postguard";
  }
  if (std::filesystem::path home = env_path("HOME"); !home.empty()) {
    return home / ".local" / "state" / "postguard";
  }
  return {};
#endif
}

std::shared_ptr<spdlog::logger> make_null_logger() {
  auto logger = std::make_shared<spdlog::logger>("postguard-host",
                                                 std::make_shared<spdlog::sinks::null_sink_mt>());
  logger->set_level(spdlog::level::off);
  return logger;
}

HostLog open_host_log(const std::filesystem::path& dir) {
  HostLog log;
  if (dir.empty()) {
    log.logger = make_null_logger();
    log.problem = "no log directory (set POSTGUARD_LOG_DIR or HOME)";
    return log;
  }
  try {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) {
      log.logger = make_null_logger();
      log.problem = "cannot create " + dir.string() + ": " + ec.message();
      return log;
    }
    std::filesystem::path file = dir / kHostLogFileName;
    auto sink = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(file.string(), kLogFileBytes,
                                                                       kLogFiles);
    auto logger = std::make_shared<spdlog::logger>("postguard-host", std::move(sink));
    // Several browsers or profiles may run hosts at once into the same file: the pid
    // tells their lines apart.
    logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %P %l %v");
    logger->set_level(spdlog::level::info);
    // The browser may SIGKILL us two seconds after closing the port; unflushed lines would
    // be lost exactly when they matter.
    logger->flush_on(spdlog::level::info);
    // A full disk later on must not spam stderr or stop the host.
    logger->set_error_handler([](const std::string&) {});
    log.logger = std::move(logger);
    log.file = std::move(file);
  } catch (const std::exception& e) {
    log.logger = make_null_logger();
    log.file.clear();
    log.problem = e.what();
  } catch (...) {
    log.logger = make_null_logger();
    log.file.clear();
    log.problem = "unknown error opening the log";
  }
  return log;
}

bool log_text_enabled() {
  const char* v = std::getenv("POSTGUARD_LOG_TEXT");
  return v != nullptr && std::string_view(v) == "1";
}

std::string escape_for_log(std::string_view bytes, std::size_t max_bytes) {
  std::size_t cut = bytes.size() <= max_bytes ? bytes.size() : max_bytes;
  // Never cut inside a UTF-8 sequence: back up to the start of the character.
  while (cut > 0 && cut < bytes.size() &&
         (static_cast<unsigned char>(bytes[cut]) & 0xC0u) == 0x80u) {
    --cut;
  }
  std::string_view head = bytes.substr(0, cut);
  const bool keep_non_ascii = utf::is_valid_utf8(head);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(head.size() + 8);
  for (char ch : head) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '\\' || c < 0x20 || c == 0x7f || (c >= 0x80 && !keep_non_ascii)) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xFu];
    } else {
      out += ch;
    }
  }
  if (cut < bytes.size()) out += "...";
  return out;
}

}  // namespace postguard

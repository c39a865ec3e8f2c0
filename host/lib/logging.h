// The native host's log: a small rotating file in the user's state directory.
//
//   HostLog log = open_host_log(default_log_dir());   // never throws
//   log.logger->info("start version={}", version);     // goes nowhere if log.file is empty
//   if (!log.problem.empty()) { /* running without a log; nothing else changes */ }
//
// The browser owns our stdout (frames only) and shows stderr only to developers, so the file
// is the one place a support engineer can see what the host did. A log that cannot be
// created (read-only home, full disk, no HOME) must never stop the host: open_host_log then
// returns a logger that discards everything, and write errors later are swallowed too.
//
// Privacy: the log records ids, types, policies, timings and counts, never the post text.
// Setting POSTGUARD_LOG_TEXT=1 (a debugging aid; see docs/protocol.md) adds the requests'
// bytes; log_text_enabled() reads that switch.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include <spdlog/logger.h>

namespace postguard {

inline constexpr std::size_t kLogFileBytes = std::size_t{1024} * 1024;  // per file, before rotating
inline constexpr std::size_t kLogFiles = 3;  // rotated files kept besides the live one
inline constexpr std::string_view kHostLogFileName = "postguard-host.log";

// Where the host's log goes, from the environment:
//   $POSTGUARD_LOG_DIR if set and non-empty, else
//   Linux/BSD: $XDG_STATE_HOME/postguard (absolute values only), else ~/.local/state/postguard
//   macOS:     ~/Library/Logs/Postguard
//   Windows:   %LOCALAPPDATA%\Postguard\logs
// Empty when none can be determined (no HOME).
std::filesystem::path default_log_dir();

struct HostLog {
  std::shared_ptr<spdlog::logger> logger;  // never null
  std::filesystem::path file;              // the live log file; empty when not logging
  std::string problem;                     // why there is no log, when there is none
};

// Creates `dir` if needed and opens a kLogFileBytes x kLogFiles rotating log in it.
// An empty `dir` means "no log".
HostLog open_host_log(const std::filesystem::path& dir);

// A logger that discards everything (what open_host_log falls back to).
std::shared_ptr<spdlog::logger> make_null_logger();

// True when POSTGUARD_LOG_TEXT is "1": requests' text may then be logged.
bool log_text_enabled();

// `bytes` made safe for a one-line log entry: at most `max_bytes` of input, control
// characters, backslashes and non-UTF-8 bytes escaped as \xNN, "..." appended when cut.
std::string escape_for_log(std::string_view bytes, std::size_t max_bytes);

}  // namespace postguard

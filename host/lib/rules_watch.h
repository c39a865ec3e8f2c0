// Notices edits to the rule files under a running host and reloads them, keeping each
// policy's last good rules in force while its files are broken.
//
//   RulesWatch watch(host_rule_dirs());      // loads the rules once
//   HostSession session(watch.current());    // current() is one object, updated in place
//   // before each request:
//   if (std::optional<RulesReload> r = watch.poll()) log(r->errors, r->kept);
//
// poll() does nothing until `interval` has passed since its last look, so a burst of
// keystrokes costs one look a second; a look stats the rule directories' *.json files
// (names, sizes, modification times; nothing is read or parsed) and reloads only when that
// changed. A reload that meets a problem -- a file edited into invalid JSON or failing
// validation, a rules directory removed or unreadable -- keeps serving the previous pack of
// every policy concerned (PolicySet::stale) and reports the problem in current().errors()
// and errors_for(); the next change that loads cleanly is taken and the problem clears.
// A pack file deleted from a directory that is still readable is a deliberate removal.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "policy_set.h"

namespace postguard {

inline constexpr std::chrono::milliseconds kRulesLookInterval{1000};

// What a reload did, for the log.
struct RulesReload {
  std::vector<std::string> errors;  // every problem now, "path:line: message"
  std::vector<std::string> kept;    // policies still served from their last good rules
};

class RulesWatch {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  explicit RulesWatch(
      std::vector<std::filesystem::path> dirs,
      std::chrono::milliseconds interval = kRulesLookInterval,
      Clock now = [] { return std::chrono::steady_clock::now(); });

  const PolicySet& current() const { return current_; }

  // Reloads when the files changed (at most one look per interval); returns what the reload
  // did, or nothing when there was no look or no change. Never throws.
  std::optional<RulesReload> poll();

 private:
  std::vector<std::filesystem::path> dirs_;
  std::chrono::milliseconds interval_;
  Clock now_;
  std::chrono::steady_clock::time_point last_look_;
  std::string fingerprint_;
  PolicySet current_;
};

// The rules at `dirs` as they are now, except that every policy of `last` whose preferred
// pack now fails, or whose directory can no longer be read, keeps its pack from `last`.
PolicySet reload_keeping_last_good(const PolicySet& last,
                                   const std::vector<std::filesystem::path>& dirs);

}  // namespace postguard

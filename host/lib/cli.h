// The `postguard` command line: `check`, `policies`, `rules validate`, `rules test`.
// Everything but process set-up lives here so tests can run the CLI in-process.
//
//   std::ostringstream out, err; std::istringstream in("text");
//   int code = run_cli({"postguard", "check", "--policy", "iet", "-"}, in, out, err);
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace postguard {

// Exit codes (documented in README and `postguard --help`).
enum ExitCode : int {
  kExitOk = 0,          // ran; no warning at or above --fail-on
  kExitWarnings = 1,    // a warning at or above --fail-on was found / a rule example failed
  kExitUsage = 2,       // bad command line
  kExitInputError = 3,  // unreadable input file, invalid UTF-8, bad batch file
  kExitRulesError = 4,  // rules failed to load or validate, unknown policy
};

int run_cli(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
            std::ostream& err);

}  // namespace postguard

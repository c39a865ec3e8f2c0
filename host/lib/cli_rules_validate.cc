// `postguard rules validate [PATH]`: every problem in the rule packs as "path:line: message",
// a "path: OK" line for each pack without one, and a summary.
#include <algorithm>
#include <ostream>
#include <system_error>

#include "cli.h"
#include "cli_commands.h"
#include "cli_text_report.h"
#include "host_main.h"

namespace postguard::cli {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kUsage = "postguard rules validate [PATH]";

constexpr std::string_view kDescription =
    R"txt(Loads the rule packs at PATH, a rules directory (its *.json packs and shared/*.json) or one
pack file (whose shared packs are looked up in the shared/ directory beside it), without
installing anything, and prints each problem as "path:line: message", "path: OK" for each pack
without one, then a summary. Without PATH, validates the rule directories in use (see
'postguard --help'), skipping those that do not exist.

Exit codes: 0 no problem, 2 bad command line, 4 a problem was found or PATH does not exist.)txt";

po::options_description validate_options() {
  po::options_description options = options_table();
  options.add_options()("help,h", "show this help");
  return options;
}

// The pack files a target holds, sorted, as they will be named in the output.
std::vector<fs::path> pack_files(const fs::path& target) {
  std::error_code ec;
  if (!fs::is_directory(target, ec)) return {target};
  std::vector<fs::path> files;
  for (const fs::path& dir : {target, target / "shared"}) {
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->path().extension() == ".json" && it->is_regular_file(ec)) files.push_back(it->path());
    }
    ec.clear();
  }
  std::sort(files.begin(), files.end());
  return files;
}

// The file a "path:line: message" (or "path: message") problem is about.
fs::path problem_path(std::string_view problem) {
  for (std::size_t colon = problem.find(':'); colon != std::string_view::npos;
       colon = problem.find(':', colon + 1)) {
    std::size_t end = colon + 1;
    while (end < problem.size() && problem[end] >= '0' && problem[end] <= '9') ++end;
    if (end > colon + 1 && end < problem.size() && problem[end] == ':') {
      return fs::path(problem.substr(0, colon));
    }
  }
  return fs::path(problem.substr(0, problem.find(": ")));
}

// The engine may name a file relative or absolute, so compare the files, not the spellings.
bool same_file(const fs::path& a, const fs::path& b) {
  std::error_code ec;
  return a == b || fs::equivalent(a, b, ec);
}

struct Tally {
  std::size_t files = 0;
  std::size_t problems = 0;
};

void validate_target(const fs::path& target, std::ostream& out, Tally& tally) {
  std::vector<std::string> problems = validate_rules_path(target);
  tally.problems += problems.size();
  std::vector<bool> printed(problems.size(), false);
  for (const fs::path& file : pack_files(target)) {
    ++tally.files;
    bool clean = true;
    for (std::size_t i = 0; i < problems.size(); ++i) {
      if (!printed[i] && same_file(problem_path(problems[i]), file)) {
        out << problems[i] << '\n';
        printed[i] = true;
        clean = false;
      }
    }
    if (clean) out << file.string() << ": OK\n";
  }
  // Problems about other files, such as a shared pack beside a single pack file.
  for (std::size_t i = 0; i < problems.size(); ++i) {
    if (!printed[i]) out << problems[i] << '\n';
  }
}

}  // namespace

int run_rules_validate(const Args& args, Io io) {
  const po::options_description options = validate_options();
  std::optional<ParsedArgs> parsed = parse_args(args, options, "rules validate", io.err);
  if (!parsed) return kExitUsage;
  if (parsed->vm.count("help") != 0) {
    print_help(io.out, kUsage, kDescription, options);
    return kExitOk;
  }
  if (parsed->positional.size() > 1) {
    return usage_error(io.err, "rules validate",
                       "unexpected argument '" + parsed->positional[1] + "' (one PATH at most)");
  }
  std::vector<fs::path> targets;
  std::error_code ec;
  if (!parsed->positional.empty()) {
    const fs::path path = parsed->positional[0];
    if (!fs::exists(path, ec)) {
      io.err << "postguard: cannot read '" << path.string() << "': No such file or directory\n";
      return kExitRulesError;
    }
    targets.push_back(path);
  } else {
    // The directories `check` would load from (there is no --rules here).
    for (const fs::path& dir : host_rule_dirs()) {
      if (fs::is_directory(dir, ec)) targets.push_back(dir);
    }
  }
  Tally tally;
  for (const fs::path& target : targets) validate_target(target, io.out, tally);
  io.out << "Checked " << plural(tally.files, "file") << ": "
         << (tally.problems == 0 ? std::string("no problems") : plural(tally.problems, "problem"))
         << ".\n";
  return tally.problems == 0 ? kExitOk : kExitRulesError;
}

}  // namespace postguard::cli

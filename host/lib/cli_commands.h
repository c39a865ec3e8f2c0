// Private to the `postguard` command line (cli*.cc): the subcommands and what they share.
// The public entry point is run_cli() in cli.h.
#pragma once

#include <filesystem>
#include <fstream>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/program_options.hpp>

#include "check_options.h"
#include "expected.h"
#include "policy_set.h"

namespace postguard::cli {

namespace po = boost::program_options;

struct Io {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
};

// The arguments after the command's name ("check", "policies", "rules").
using Args = std::vector<std::string>;

// What `check` takes from its options; in --batch mode, the defaults for every line.
struct CheckSettings {
  std::optional<std::string> policy;   // --policy
  CheckOptions options;                // --platform, --role, --bio-disclaimer
  Severity fail_on = Severity::error;  // --fail-on
};

int run_check(const Args& args, Io io);
// `check --batch PATH`: JSON Lines in, JSON Lines out (see cli_batch.cc).
int run_batch(const std::string& path, const CheckSettings& settings, const PolicySet& policies,
              Io io);
int run_policies(const Args& args, Io io);
int run_rules(const Args& args, Io io);  // dispatches `rules validate` and `rules test`
int run_rules_validate(const Args& args, Io io);
int run_rules_test(const Args& args, Io io);
// `install`, `uninstall`, `doctor` (cli_install.cc).
int run_install(const Args& args, Io io);
int run_uninstall(const Args& args, Io io);
int run_doctor(const Args& args, Io io);

// --- Command line -----------------------------------------------------------------------

// Prints "postguard: <message>" and "Try 'postguard <command> --help' for more information."
// to `err`; returns kExitUsage. `command` is "" for the top level, else e.g. "rules test".
int usage_error(std::ostream& err, std::string_view command, std::string_view message);

struct ParsedArgs {
  po::variables_map vm;
  std::vector<std::string> positional;  // operands, in order; "-" counts as one
};

// Parses `args` against `options` (long options only, no abbreviations; operands collected in
// `positional`). On a bad command line prints the usage error and returns std::nullopt.
std::optional<ParsedArgs> parse_args(const Args& args, const po::options_description& options,
                                     std::string_view command, std::ostream& err);

// "Usage: ...", a blank line, the description, a blank line, the options.
void print_help(std::ostream& out, std::string_view usage, std::string_view description,
                const po::options_description& options);

// An empty "Options" table, laid out for 100 columns like the rest of the help.
po::options_description options_table();

// The --rules option (repeatable), shared by the commands that load policies.
void add_rules_option(po::options_description& options);

// default_rule_dirs(), then $POSTGUARD_RULES_DIR if set, then each --rules DIR in order.
// Error: "--rules 'x' is not a directory" (a built-in directory may be missing; a directory
// the user names must not be, or a typo would silently load nothing).
Expected<std::vector<std::filesystem::path>> rule_dirs(const po::variables_map& vm);

// Loads the packs from `dirs` and writes each load error to `err`.
PolicySet load_policies(const std::vector<std::filesystem::path>& dirs, std::ostream& err);

// The message for an id that names no loaded policy, listing the ones that did load.
std::string unknown_policy_message(std::string_view id, const PolicySet& set);

// True when a warning is at or above `threshold`.
bool reaches(const std::vector<Warning>& warnings, Severity threshold);

// --- Input ------------------------------------------------------------------------------

// Removes a leading UTF-8 byte order mark, if any.
std::string_view strip_bom(std::string_view s);

// Opens `path` for reading in binary; the error is "cannot read 'x': <reason>".
std::optional<std::string> open_file(const std::string& path, std::ifstream& file);

// The whole of `path`, or of `in` when `path` is "-". Errors: "cannot read 'x': <reason>".
Expected<std::string> read_all(const std::string& path, std::istream& in);

// How error messages name an input: the path, or "<stdin>" for "-".
std::string input_name(const std::string& path);

}  // namespace postguard::cli

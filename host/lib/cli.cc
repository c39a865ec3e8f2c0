// `postguard`: top-level help and version, dispatch to the subcommands, last-resort errors.
#include "cli.h"

#include <exception>
#include <ostream>

#include "cli_commands.h"

#ifndef POSTGUARD_VERSION
#define POSTGUARD_VERSION "unknown"
#endif

namespace postguard {
namespace {

constexpr std::string_view kTopHelp = R"txt(Usage: postguard <command> [options]

Checks social-media posts against an organisation's social-media policy.

Commands:
  check            check a post, or a batch of posts, against a policy
  policies         list the policies found in the rule directories
  rules validate   check rule packs for problems
  rules test       run every rule's examples
  install          register postguard-host with the browsers (--user or --system)
  uninstall        remove what install wrote
  doctor           find out why the extension cannot reach postguard-host
  help [COMMAND]   show the help for a command ('postguard help rules test')

Options:
  -h, --help       show this help
  --version        show the version

Rule directories, searched in order; a later pack replaces an earlier one with the same id:
  1. the installed data dir (<prefix>/share/postguard/rules; POSTGUARD_DATA_DIR replaces it)
  2. the admin dir, /etc/postguard/rules
  3. the user dir, $XDG_CONFIG_HOME/postguard/rules (~/.config/postguard/rules)
  4. $POSTGUARD_RULES_DIR, if set
  5. each --rules DIR, in the order given

Exit codes:
  0  ran; no warning at or above --fail-on
  1  a warning at or above --fail-on was found, or a rule example failed
  2  bad command line
  3  unreadable input, invalid UTF-8, or a bad line in a --batch input
  4  rules failed to load or validate, or unknown policy
  (install, uninstall: 1 when they failed; doctor: 1 when it found a problem)
)txt";

int dispatch(const std::vector<std::string>& args, cli::Io io) {
  if (args.size() < 2) {
    io.err << kTopHelp;
    return kExitUsage;
  }
  const std::string& command = args[1];
  const cli::Args rest(args.begin() + 2, args.end());
  if (command == "-h" || command == "--help") {
    io.out << kTopHelp;
    return kExitOk;
  }
  if (command == "--version") {
    io.out << "postguard " << POSTGUARD_VERSION << '\n';
    return kExitOk;
  }
  if (command == "help") {
    if (rest.empty()) {
      io.out << kTopHelp;
      return kExitOk;
    }
    // `help X [Y]` is `X [Y] --help`, so each command's help is written once, beside it.
    std::vector<std::string> forwarded = {args[0]};
    forwarded.insert(forwarded.end(), rest.begin(), rest.end());
    forwarded.emplace_back("--help");
    return dispatch(forwarded, io);
  }
  if (command == "check") return cli::run_check(rest, io);
  if (command == "policies") return cli::run_policies(rest, io);
  if (command == "rules") return cli::run_rules(rest, io);
  if (command == "install") return cli::run_install(rest, io);
  if (command == "uninstall") return cli::run_uninstall(rest, io);
  if (command == "doctor") return cli::run_doctor(rest, io);
  if (!command.empty() && command[0] == '-') {
    return cli::usage_error(io.err, "", "unrecognised option '" + command + "'");
  }
  return cli::usage_error(io.err, "", "unknown command '" + command + "'");
}

}  // namespace

int run_cli(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
            std::ostream& err) {
  try {
    return dispatch(args, cli::Io{in, out, err});
  } catch (const std::exception& e) {
    // Nothing below is meant to throw; if it does, say so plainly rather than abort.
    err << "postguard: internal error: " << e.what() << '\n';
    return kExitRulesError;
  }
}

}  // namespace postguard

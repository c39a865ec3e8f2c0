// `postguard rules`: picks `rules validate` or `rules test`.
#include <ostream>

#include "cli.h"
#include "cli_commands.h"

namespace postguard::cli {
namespace {

constexpr std::string_view kRulesHelp = R"txt(Usage: postguard rules <command> [options]

Commands for the people who write and install rule packs.

Commands:
  validate [PATH]           check rule packs for problems; PATH is a rules directory or a
                            pack file (default: the rule directories)
  test [ID] [--rules DIR]   run every rule's examples, of policy ID or of all policies

Run 'postguard rules <command> --help' for a command's options.
)txt";

}  // namespace

int run_rules(const Args& args, Io io) {
  if (args.empty()) {
    io.err << kRulesHelp;
    return kExitUsage;
  }
  const Args rest(args.begin() + 1, args.end());
  if (args[0] == "-h" || args[0] == "--help") {
    io.out << kRulesHelp;
    return kExitOk;
  }
  if (args[0] == "validate") return run_rules_validate(rest, io);
  if (args[0] == "test") return run_rules_test(rest, io);
  if (args[0][0] == '-') {
    return usage_error(io.err, "rules", "unrecognised option '" + args[0] + "'");
  }
  return usage_error(io.err, "rules", "unknown command 'rules " + args[0] + "'");
}

}  // namespace postguard::cli

// Command-line parsing shared by the subcommands: Boost.Program_options set up the same way
// everywhere, usage errors in one format, and the rule directories from --rules.
#include <ostream>

#include "cli.h"
#include "cli_commands.h"
#include "host_main.h"

namespace postguard::cli {

int usage_error(std::ostream& err, std::string_view command, std::string_view message) {
  err << "postguard: " << message << '\n'
      << "Try 'postguard " << command << (command.empty() ? "" : " ")
      << "--help' for more information.\n";
  return kExitUsage;
}

std::optional<ParsedArgs> parse_args(const Args& args, const po::options_description& options,
                                     std::string_view command, std::ostream& err) {
  // Operands go to a hidden option so "-" and "--" behave as usual; the callers check how
  // many they got, which gives a clearer message than Boost's "too many positional options".
  po::options_description all;
  all.add(options);
  all.add_options()("operand", po::value<std::vector<std::string>>());
  po::positional_options_description operands;
  operands.add("operand", -1);
  // No abbreviations: "--pol" silently meaning "--policy" would make scripts fragile.
  const int style = po::command_line_style::default_style & ~po::command_line_style::allow_guessing;

  ParsedArgs parsed;
  try {
    po::store(po::command_line_parser(args).options(all).positional(operands).style(style).run(),
              parsed.vm);
    po::notify(parsed.vm);
  } catch (const po::error& e) {
    usage_error(err, command, e.what());
    return std::nullopt;
  }
  if (parsed.vm.count("operand") != 0) {
    parsed.positional = parsed.vm["operand"].as<std::vector<std::string>>();
  }
  return parsed;
}

void print_help(std::ostream& out, std::string_view usage, std::string_view description,
                const po::options_description& options) {
  out << "Usage: " << usage << "\n\n" << description << "\n\n" << options;
}

po::options_description options_table() {
  return po::options_description("Options", /*line_length=*/100, /*min_description_length=*/50);
}

void add_rules_option(po::options_description& options) {
  options.add_options()("rules", po::value<std::vector<std::string>>()->value_name("DIR"),
                        "load the packs in DIR last, so they win (repeatable)");
}

Expected<std::vector<std::filesystem::path>> rule_dirs(const po::variables_map& vm) {
  // The host's directories (with $POSTGUARD_RULES_DIR), so both see the same policies.
  std::vector<std::filesystem::path> dirs = host_rule_dirs();
  if (vm.count("rules") != 0) {
    for (const std::string& dir : vm["rules"].as<std::vector<std::string>>()) {
      std::error_code ec;
      if (!std::filesystem::is_directory(dir, ec)) {
        return Error{"--rules '" + dir + "' is not a directory"};
      }
      dirs.emplace_back(dir);
    }
  }
  return dirs;
}

PolicySet load_policies(const std::vector<std::filesystem::path>& dirs, std::ostream& err) {
  PolicySet set = PolicySet::load(dirs);
  // Each error already reads "path:line: message", which editors and terminals can follow.
  for (const std::string& e : set.errors()) err << e << '\n';
  if (!set.errors().empty()) {
    err << "postguard: the rule packs above failed to load and were left out "
           "(see 'postguard rules validate')\n";
  }
  return set;
}

std::string unknown_policy_message(std::string_view id, const PolicySet& set) {
  std::string message = "unknown policy '" + std::string(id) + "'";
  const std::vector<const Policy*> policies = set.policies();
  if (policies.empty()) return message + " (no policies were found; see 'postguard policies')";
  message += " (known: ";
  for (std::size_t i = 0; i < policies.size(); ++i) {
    if (i != 0) message += ", ";
    message += policies[i]->info().id;
  }
  return message + ")";
}

}  // namespace postguard::cli

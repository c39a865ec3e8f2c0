// `postguard policies`: which policies this machine has, where each came from, and which rule
// packs failed to load (on stderr, one "path:line: message" each).
#include <ostream>

#include <nlohmann/json.hpp>

#include "cli.h"
#include "cli_commands.h"
#include "cli_text_report.h"

namespace postguard::cli {
namespace {

constexpr std::string_view kUsage = "postguard policies [--rules DIR] [--format text|json]";

constexpr std::string_view kDescription =
    R"txt(Lists the policies found in the rule directories (see 'postguard --help'): for each, its
id (what 'check --policy' takes), name, source document, rule count and the file it was loaded
from. Rule packs that fail to load are reported on standard error as "path:line: message" and
make the exit code 4.

--format json writes {"policies": [{"id", "name", "source", "ruleCount", "path"}...],
"ruleDirs": [...], "errors": ["path:line: message"...]}.)txt";

po::options_description policies_options() {
  po::options_description options = options_table();
  options.add_options()("help,h", "show this help")(
      "format", po::value<std::string>()->value_name("F")->default_value("text"), "text or json");
  add_rules_option(options);
  return options;
}

void write_text(std::ostream& out, const PolicySet& set,
                const std::vector<std::filesystem::path>& dirs) {
  const std::vector<const Policy*> policies = set.policies();
  for (const Policy* policy : policies) {
    const PolicyInfo& info = policy->info();
    out << info.id << ": " << info.name << " (" << plural(info.rule_count, "rule") << ")\n"
        << "  source: " << info.source << '\n'
        << "  path: " << info.path << '\n';
  }
  if (policies.empty()) {
    out << "No policies found. Searched:\n";
    for (const std::filesystem::path& dir : dirs) out << "  " << dir.string() << '\n';
  }
}

void write_json(std::ostream& out, const PolicySet& set,
                const std::vector<std::filesystem::path>& dirs) {
  nlohmann::ordered_json policies = nlohmann::ordered_json::array();
  for (const Policy* policy : set.policies()) {
    const PolicyInfo& info = policy->info();
    policies.push_back({{"id", info.id},
                        {"name", info.name},
                        {"source", info.source},
                        {"ruleCount", info.rule_count},
                        {"path", info.path}});
  }
  nlohmann::ordered_json rule_dirs_json = nlohmann::ordered_json::array();
  for (const std::filesystem::path& dir : dirs) rule_dirs_json.push_back(dir.string());
  const nlohmann::ordered_json doc = {{"policies", std::move(policies)},
                                      {"ruleDirs", std::move(rule_dirs_json)},
                                      {"errors", set.errors()}};
  out << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

}  // namespace

int run_policies(const Args& args, Io io) {
  const po::options_description options = policies_options();
  std::optional<ParsedArgs> parsed = parse_args(args, options, "policies", io.err);
  if (!parsed) return kExitUsage;
  const po::variables_map& vm = parsed->vm;
  if (vm.count("help") != 0) {
    print_help(io.out, kUsage, kDescription, options);
    return kExitOk;
  }
  if (!parsed->positional.empty()) {
    return usage_error(io.err, "policies", "unexpected argument '" + parsed->positional[0] + "'");
  }
  const std::string format = vm["format"].as<std::string>();
  if (format != "text" && format != "json") {
    return usage_error(io.err, "policies",
                       "invalid --format '" + format + "' (expected text or json)");
  }
  const Expected<std::vector<std::filesystem::path>> dirs = rule_dirs(vm);
  if (!dirs) return usage_error(io.err, "policies", dirs.error().message);
  const PolicySet set = load_policies(*dirs, io.err);
  if (format == "json") {
    write_json(io.out, set, *dirs);
  } else {
    write_text(io.out, set, *dirs);
  }
  return set.errors().empty() ? kExitOk : kExitRulesError;
}

}  // namespace postguard::cli

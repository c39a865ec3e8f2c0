// `postguard rules test [ID]`: every rule's own examples as a test suite. A trigger example
// passes when check() returns a warning from that rule; a clean example when it returns none.
#include <algorithm>
#include <ostream>

#include <nlohmann/json.hpp>

#include "cli.h"
#include "cli_commands.h"
#include "utf.h"

namespace postguard::cli {
namespace {

constexpr std::string_view kUsage = "postguard rules test [ID] [--rules DIR]";

constexpr std::string_view kDescription =
    R"txt(Runs the examples of every rule of policy ID, or of all policies: a "trigger" example passes
when the check reports a warning from that rule, a "clean" example when it does not. Prints each
failure (rule id, example text and options, what the check returned), then a line
"N passed, M failed".

Exit codes: 0 all passed, 1 an example failed, 2 bad command line, 4 rules failed to load (the
packs that loaded are still tested) or unknown policy ID.)txt";

po::options_description test_options() {
  po::options_description options = options_table();
  options.add_options()("help,h", "show this help");
  add_rules_option(options);
  return options;
}

std::string quoted(std::string_view text) {
  return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// What the check returned, e.g. `demo.secret at 4-14 "top secret", demo.other at 0-3 "the"`.
std::string describe(const std::vector<Warning>& warnings, std::string_view text) {
  if (warnings.empty()) return "no warnings";
  std::string got;
  for (const Warning& w : warnings) {
    if (!got.empty()) got += ", ";
    got += w.rule + " at " + std::to_string(w.span.start) + "-" + std::to_string(w.span.end);
    const std::optional<std::size_t> begin = utf::byte_offset_of_utf16(text, w.span.start);
    const std::size_t end = utf::byte_offset_of_utf16(text, w.span.end).value_or(text.size());
    if (begin && *begin <= end) got += " " + quoted(text.substr(*begin, end - *begin));
  }
  return got;
}

void report_failure(std::ostream& out, const RuleSummary& rule, const RuleExample& example,
                    const std::vector<Warning>& warnings) {
  out << "FAIL " << rule.id << ": "
      << (example.must_trigger ? "trigger example did not trigger the rule"
                               : "clean example triggered the rule")
      << '\n'
      << "  text: " << quoted(example.text) << '\n'
      << "  options: platform=" << to_string(example.options.platform)
      << " role=" << to_string(example.options.role)
      << " bioDisclaimer=" << (example.options.bio_disclaimer ? "true" : "false") << '\n'
      << "  got: " << describe(warnings, example.text) << '\n';
}

struct Counts {
  std::size_t passed = 0;
  std::size_t failed = 0;
};

void test_policy(const Policy& policy, std::ostream& out, Counts& counts) {
  for (const RuleSummary& rule : policy.rules()) {
    for (const RuleExample& example : rule.examples) {
      const std::vector<Warning> warnings = policy.check(example.text, example.options);
      const bool triggered = std::any_of(warnings.begin(), warnings.end(),
                                         [&](const Warning& w) { return w.rule == rule.id; });
      if (triggered == example.must_trigger) {
        ++counts.passed;
      } else {
        ++counts.failed;
        report_failure(out, rule, example, warnings);
      }
    }
  }
}

}  // namespace

int run_rules_test(const Args& args, Io io) {
  const po::options_description options = test_options();
  std::optional<ParsedArgs> parsed = parse_args(args, options, "rules test", io.err);
  if (!parsed) return kExitUsage;
  if (parsed->vm.count("help") != 0) {
    print_help(io.out, kUsage, kDescription, options);
    return kExitOk;
  }
  if (parsed->positional.size() > 1) {
    return usage_error(
        io.err, "rules test",
        "unexpected argument '" + parsed->positional[1] + "' (one policy ID at most)");
  }
  const Expected<std::vector<std::filesystem::path>> dirs = rule_dirs(parsed->vm);
  if (!dirs) return usage_error(io.err, "rules test", dirs.error().message);
  const PolicySet set = load_policies(*dirs, io.err);
  std::vector<const Policy*> policies = set.policies();
  if (!parsed->positional.empty()) {
    const Policy* policy = set.find(parsed->positional[0]);
    if (policy == nullptr) {
      io.err << "postguard: " << unknown_policy_message(parsed->positional[0], set) << '\n';
      return kExitRulesError;
    }
    policies = {policy};
  }
  Counts counts;
  for (const Policy* policy : policies) test_policy(*policy, io.out, counts);
  io.out << counts.passed << " passed, " << counts.failed << " failed\n";
  if (!set.errors().empty()) return kExitRulesError;
  return counts.failed == 0 ? kExitOk : kExitWarnings;
}

}  // namespace postguard::cli

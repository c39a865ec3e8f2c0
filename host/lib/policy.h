// A compiled policy pack: every rule validated and compiled once at load, then matched
// against any number of posts.
//
//   const Policy* p = policies.find("iet");
//   std::vector<Warning> ws = p->check(u8"Our new product launches 3 May!", CheckOptions{});
//
// check() is const and safe to call from several threads at once.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "check_options.h"
#include "warning.h"

namespace postguard {

struct PolicyInfo {
  std::string id;      // "iet"
  std::string name;    // "IET volunteers and members"
  std::string source;  // the policy document, by title and version
  std::string path;    // the file it was loaded from
  std::size_t rule_count = 0;
};

// One example from a rule file: text that must (or must not) trigger the rule.
struct RuleExample {
  std::string text;
  CheckOptions options;
  bool must_trigger = true;
};

struct RuleSummary {
  std::string id;
  Category category = Category::conduct;
  Severity severity = Severity::warning;
  std::vector<RuleExample> examples;
};

class CompiledRules;  // defined in compiled_rules.h

class Policy {
 public:
  Policy(PolicyInfo info, std::shared_ptr<const CompiledRules> rules);
  ~Policy();

  const PolicyInfo& info() const { return info_; }

  // `text` must be valid UTF-8. Warnings are ordered by start, then rule id.
  std::vector<Warning> check(std::string_view text, const CheckOptions& options) const;

  // The rules with their examples, for `postguard rules test`.
  std::vector<RuleSummary> rules() const;

 private:
  PolicyInfo info_;
  std::shared_ptr<const CompiledRules> rules_;
};

}  // namespace postguard

#include "policy.h"

#include "compiled_rules.h"

namespace postguard {

Policy::Policy(PolicyInfo info, std::shared_ptr<const CompiledRules> rules)
    : info_(std::move(info)), rules_(std::move(rules)) {}

Policy::~Policy() = default;

std::vector<Warning> Policy::check(std::string_view text, const CheckOptions& options) const {
  return rules_->check(text, options);
}

std::vector<RuleSummary> Policy::rules() const {
  std::vector<RuleSummary> out;
  out.reserve(rules_->rules.size());
  for (const CompiledRule& r : rules_->rules) {
    out.push_back(RuleSummary{r.id, r.category, r.severity, r.examples});
  }
  return out;
}

}  // namespace postguard

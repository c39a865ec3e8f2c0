// Validates rule files and compiles them into a Policy. Every problem is reported, not just
// the first, each as "path:line: rule 'id': what is wrong" so an author can fix a file in
// one pass. The format is documented in docs/rules.md and rules/schema.json.
//
//   SharedPackLookup shared = [&](std::string_view id) -> const RuleFile* { ... };
//   CompileResult r = compile_policy(file, shared);
//   if (r.policy) use(r.policy); else for (auto& p : r.problems) report(p);
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "phrase_index.h"
#include "policy.h"
#include "regex_bank.h"
#include "rule_file.h"

namespace postguard {

// Finds a shared pack by id (rules/shared/<id>.json); nullptr when there is none.
using SharedPackLookup = std::function<const RuleFile*(std::string_view id)>;

struct CompileResult {
  std::shared_ptr<const Policy> policy;  // null when there were problems
  std::vector<std::string> problems;
};

// With `regexes`, the policy's patterns join that bank, which the caller compiles once after
// the last policy (PolicySet does this so shared patterns are built once); without it the
// policy gets and compiles a bank of its own.
// Phrases already folded and split into words, by their text. PolicySet::load passes one to
// every policy it compiles, so a shared pack's phrases are prepared once, not once per policy.
struct PhraseCache {
  std::unordered_map<std::string, std::vector<PhraseWord>> words;
};

CompileResult compile_policy(const RuleFile& file, const SharedPackLookup& shared,
                             std::shared_ptr<RegexBank> regexes = nullptr,
                             PhraseCache* cache = nullptr);

// Checks a shared pack on its own (its rules compile, its examples are well formed).
std::vector<std::string> validate_shared_pack(const RuleFile& file);

}  // namespace postguard

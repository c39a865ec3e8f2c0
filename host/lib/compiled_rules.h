// A policy's rules after validation: matcher trees over one shared PhraseIndex and one
// RegexBank. Built by rule_compiler.h; evaluated by check(). Immutable once built.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "check_options.h"
#include "phrase_index.h"
#include "policy.h"
#include "regex_bank.h"
#include "warning.h"

namespace postguard {

enum class MatcherKind {
  phrases,            // list: PhraseIndex list id
  regex,              // list: RegexBank pattern id
  near,               // children[0..1], number = max words between
  any,                // children
  all,                // children; hits of children[0]
  requires_,          // children[0] = when, children[1] = requires
  count,              // entity, number = max
  words_per_hashtag,  // number = max words
  length,             // measure, number = max
  names,              // words spelled like names (names.h)
};

enum class Entity { hashtags, mentions, urls };
enum class LengthMeasure { twitter, characters, words };

struct MatcherNode {
  MatcherKind kind = MatcherKind::phrases;
  int list = -1;
  int number = 0;
  std::vector<int> children;
  Entity entity = Entity::hashtags;
  LengthMeasure measure = LengthMeasure::characters;
  bool satisfied_by_bio = false;
};

struct CompiledRule {
  std::string id;
  Category category = Category::conduct;
  Severity severity = Severity::warning;
  std::vector<Role> roles;
  std::vector<Platform> platforms;
  std::string message;
  std::string clause;
  std::string suggestion;
  std::optional<Fix> fix;
  int match = -1;   // node ids
  int unless = -1;  // -1: none
  int except = -1;
  std::vector<RuleExample> examples;
};

class CompiledRules {
 public:
  PhraseIndex phrases;
  std::shared_ptr<RegexBank> regexes;  // shared by every policy of a PolicySet
  std::vector<int> screens;            // the screens of `regexes` this policy's patterns are in
  std::vector<MatcherNode> nodes;
  std::vector<CompiledRule> rules;

  std::vector<Warning> check(std::string_view text, const CheckOptions& options) const;
};

}  // namespace postguard

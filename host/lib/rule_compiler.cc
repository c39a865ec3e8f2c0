#include "rule_compiler.h"

#include <algorithm>
#include <map>
#include <set>

#include "compiled_rules.h"
#include "text_normalizer.h"
#include "word_breaker.h"

namespace postguard {
namespace {

using nlohmann::json;

constexpr int kMaxMatcherDepth = 8;
constexpr size_t kMaxPhrasesPerList = 20000;
// A post's word starts a walk through the phrase trie that is at most this deep.
constexpr size_t kMaxPhraseWords = 16;
constexpr int kMaxNearWithin = 50;
constexpr int kMinExamplesEach = 2;

bool valid_id_segment(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

bool valid_dotted_id(std::string_view s) {
  size_t start = 0;
  while (true) {
    const size_t dot = s.find('.', start);
    if (!valid_id_segment(s.substr(start, dot == std::string_view::npos ? dot : dot - start))) {
      return false;
    }
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

std::string in_quotes(std::string_view s) { return "'" + std::string(s) + "'"; }

MatcherNode node_of(MatcherKind kind) {
  MatcherNode n;
  n.kind = kind;
  return n;
}

std::string type_name(const json& j) { return j.type_name(); }

// Reads that never throw on a wrongly typed value: the problem is reported where it matters.
std::string string_or_empty(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Where a problem is: the file and line, and the rule when inside one.
struct Where {
  const RuleFile* file = nullptr;
  size_t line = 1;
  std::string rule;
};

// How the rules of one file are taken into the policy being compiled.
struct Intake {
  std::string required_prefix;  // "iet." for a policy's own rules; "" for shared ones
  std::string id_prefix;        // "iet." prepended to a shared rule's id
  bool shared = false;          // shared rules take their clause from `extends`
  std::string clause;           // clause for shared rules
  std::map<std::string, std::string> clauses;  // per shared rule id
  std::map<std::string, Severity> severities;  // per shared rule id
  std::set<std::string> exclude;               // shared rule ids left out
};

class Compiler {
 public:
  explicit Compiler(CompiledRules& out, PhraseCache* cache = nullptr)
      : out_(out), cache_(cache != nullptr ? cache : &own_cache_) {}

  std::vector<std::string> problems;

  void problem(const Where& w, const std::string& what) {
    std::string s = w.file->path.string() + ":" + std::to_string(w.line) + ": ";
    if (!w.rule.empty()) s += "rule " + in_quotes(w.rule) + ": ";
    problems.push_back(s + what);
  }

  // Compiles the "rules" array of `file` into the output.
  void rules_of(const RuleFile& file, const json& rules, const Intake& intake) {
    size_t cursor = file.find_after("\"rules\"", 0);
    std::set<std::string> seen_in_file;
    for (size_t i = 0; i < rules.size(); ++i) {
      const json& r = rules[i];
      Where w{&file, file.line_at(cursor), ""};
      if (!r.is_object()) {
        problem(w, "rules[" + std::to_string(i) + "] must be an object, not " + type_name(r));
        continue;
      }
      if (r.contains("id") && r["id"].is_string()) {
        const std::string id = r["id"];
        const size_t pos = file.text.find("\"" + id + "\"", cursor);
        if (pos != std::string::npos) {
          cursor = pos + 1;
          w.line = file.line_at(pos);
        }
      }
      rule(r, w, intake, i);
    }
  }

  // Refuses phrase lists that together let one word of a post cost more than
  // PhraseIndex::kMaxLookupsPerWord lookups, and names the list that costs most on its own.
  void phrase_cost() {
    const uint64_t total = out_.phrases.max_lookups_per_word();
    if (total <= PhraseIndex::kMaxLookupsPerWord || lists_.empty()) return;
    const PhraseList* worst = &lists_.front();
    uint64_t worst_cost = 0;
    for (const PhraseList& l : lists_) {
      PhraseIndex alone;
      const int id = alone.add_list();
      for (const json& p : *l.phrases) {
        if (!p.is_string()) continue;
        if (auto it = cache_->words.find(p.get<std::string>()); it != cache_->words.end()) {
          alone.add_phrase(id, it->second);
        }
      }
      if (const uint64_t c = alone.max_lookups_per_word(); c > worst_cost) {
        worst = &l;
        worst_cost = c;
      }
    }
    problem(worst->where,
            worst->at +
                ": phrases: too many phrases overlap through wildcards: one word of a "
                "post can take up to " +
                std::to_string(total) + " steps through the policy's phrases (this list alone: " +
                std::to_string(worst_cost) + "), more than " +
                std::to_string(PhraseIndex::kMaxLookupsPerWord));
  }

 private:
  // ---- rules ----------------------------------------------------------------------------

  void rule(const json& r, Where w, const Intake& intake, size_t index) {
    static const std::set<std::string> kKeys = {
        "id",         "category", "severity", "roles",  "platforms", "message",  "clause",
        "suggestion", "fix",      "match",    "unless", "except",    "examples", "note"};
    CompiledRule c;
    const json* id = field(r, "id", w, json::value_t::string);
    if (!id) {
      problem(w, "rules[" + std::to_string(index) + "] has no \"id\"");
      return;
    }
    const std::string own_id = *id;
    w.rule = own_id;
    for (const auto& [key, value] : r.items()) {
      if (!kKeys.contains(key)) problem(w, "unknown key " + in_quotes(key));
    }
    if (!valid_dotted_id(own_id)) {
      problem(w, "id must be dot-separated parts of a-z, 0-9 and '-'");
    } else if (!intake.required_prefix.empty() && !own_id.starts_with(intake.required_prefix)) {
      problem(w, "id must start with " + in_quotes(intake.required_prefix));
    }
    if (intake.shared && intake.exclude.contains(own_id)) return;
    c.id = intake.id_prefix + own_id;
    if (!ids_.insert(c.id).second) problem(w, "duplicate rule id " + in_quotes(c.id));

    if (const json* cat = field(r, "category", w, json::value_t::string)) {
      if (auto v = parse_category(cat->get<std::string>())) {
        c.category = *v;
      } else {
        problem(w, "unknown category " + in_quotes(cat->get<std::string>()) +
                       " (confidentiality, endorsement, copyright, minor-consent, disclaimer, "
                       "privacy, security, conduct, format)");
      }
    }
    if (const json* sev = field(r, "severity", w, json::value_t::string)) {
      if (auto v = parse_severity(sev->get<std::string>())) {
        c.severity = *v;
      } else {
        problem(w, "unknown severity " + in_quotes(sev->get<std::string>()) +
                       " (info, warning, error)");
      }
    }
    if (auto it = intake.severities.find(own_id); it != intake.severities.end()) {
      c.severity = it->second;
    }
    c.roles = id_list<Role>(r, "roles", w, kAllRoles, parse_role);
    c.platforms = id_list<Platform>(r, "platforms", w, kAllPlatforms, parse_platform);
    if (const json* m = field(r, "message", w, json::value_t::string)) c.message = *m;
    if (const json* s = field(r, "suggestion", w, json::value_t::string)) c.suggestion = *s;
    if (intake.shared) {
      if (r.contains("clause")) {
        problem(w,
                "a shared rule takes its clause from the policy's \"extends\" entry; "
                "remove \"clause\"");
      }
      auto it = intake.clauses.find(own_id);
      c.clause = it != intake.clauses.end() ? it->second : intake.clause;
    } else if (const json* cl = field(r, "clause", w, json::value_t::string)) {
      c.clause = *cl;
    }
    if (r.contains("fix")) c.fix = fix(r["fix"], w);
    if (r.contains("match")) {
      c.match = matcher(r["match"], w, "match", 0);
    } else {
      problem(w, "missing \"match\"");
    }
    if (r.contains("unless")) c.unless = matcher(r["unless"], w, "unless", 0);
    if (r.contains("except")) c.except = matcher(r["except"], w, "except", 0);
    c.examples = examples(r, w, c);
    out_.rules.push_back(std::move(c));
  }

  // A required field of the given JSON type, or nullptr after reporting the problem.
  const json* field(const json& obj, const char* key, const Where& w, json::value_t type) {
    auto it = obj.find(key);
    if (it == obj.end()) {
      problem(w, std::string("missing \"") + key + "\"");
      return nullptr;
    }
    if (it->type() != type) {
      problem(w, std::string("\"") + key + "\" must be a " + json(type).type_name() + ", not " +
                     type_name(*it));
      return nullptr;
    }
    if (type == json::value_t::string && it->get_ref<const std::string&>().empty()) {
      problem(w, std::string("\"") + key + "\" must not be empty");
      return nullptr;
    }
    return &*it;
  }

  template <class E, class All, class Parse>
  std::vector<E> id_list(const json& r, const char* key, const Where& w, const All& all,
                         Parse parse) {
    if (!r.contains(key)) return {all.begin(), all.end()};
    const json& list = r[key];
    std::vector<E> out;
    if (!list.is_array() || list.empty()) {
      problem(w, std::string("\"") + key + "\" must be a non-empty array");
      return {all.begin(), all.end()};
    }
    for (const json& v : list) {
      std::optional<E> e = v.is_string() ? parse(v.get<std::string>()) : std::nullopt;
      if (!e) {
        problem(w, std::string("\"") + key + "\" has an unknown value " + v.dump());
      } else if (std::find(out.begin(), out.end(), *e) != out.end()) {
        problem(w, std::string("\"") + key + "\" lists " + v.dump() + " twice");
      } else {
        out.push_back(*e);
      }
    }
    return out.empty() ? std::vector<E>(all.begin(), all.end()) : out;
  }

  std::optional<Fix> fix(const json& j, const Where& w) {
    if (!j.is_object() || !j.contains("type") || !j["type"].is_string()) {
      problem(w, "\"fix\" must be an object with \"type\": append, replace or remove");
      return std::nullopt;
    }
    for (const auto& [key, value] : j.items()) {
      if (key != "type" && key != "text") problem(w, "fix: unknown key " + in_quotes(key));
    }
    const std::string type = j["type"];
    Fix f;
    if (type == "append") {
      f.kind = Fix::Kind::append;
    } else if (type == "replace") {
      f.kind = Fix::Kind::replace;
    } else if (type == "remove") {
      f.kind = Fix::Kind::remove;
      if (j.contains("text")) problem(w, "fix: \"remove\" takes no \"text\"");
      return f;
    } else {
      problem(w, "fix: unknown type " + in_quotes(type) + " (append, replace, remove)");
      return std::nullopt;
    }
    if (!j.contains("text") || !j["text"].is_string() || j["text"].get<std::string>().empty()) {
      problem(w, "fix: \"" + type + "\" needs a non-empty \"text\"");
      return std::nullopt;
    }
    f.text = j["text"];
    return f;
  }

  std::vector<RuleExample> examples(const json& r, const Where& w, const CompiledRule& c) {
    std::vector<RuleExample> out;
    auto it = r.find("examples");
    if (it == r.end() || !it->is_object()) {
      problem(w, "missing \"examples\" with \"trigger\" and \"clean\" lists");
      return out;
    }
    for (const auto& [key, value] : it->items()) {
      if (key != "trigger" && key != "clean") problem(w, "examples: unknown key " + in_quotes(key));
    }
    for (const char* kind : {"trigger", "clean"}) {
      const bool must_trigger = std::string_view(kind) == "trigger";
      auto list = it->find(kind);
      if (list == it->end() || !list->is_array() ||
          list->size() < static_cast<size_t>(kMinExamplesEach)) {
        problem(w, std::string("examples: \"") + kind + "\" needs at least " +
                       std::to_string(kMinExamplesEach) + " examples");
        continue;
      }
      for (const json& e : *list) {
        if (auto ex = example(e, w, c, kind)) {
          ex->must_trigger = must_trigger;
          out.push_back(std::move(*ex));
        }
      }
    }
    return out;
  }

  std::optional<RuleExample> example(const json& e, const Where& w, const CompiledRule& c,
                                     const char* kind) {
    RuleExample ex;
    ex.options.role = c.roles.empty() ? Role::personal : c.roles.front();
    ex.options.platform = c.platforms.empty() ? Platform::twitter : c.platforms.front();
    const std::string where = std::string("examples: ") + kind + ": ";
    if (e.is_string()) {
      ex.text = e;
    } else if (e.is_object() && e.contains("text") && e["text"].is_string()) {
      ex.text = e["text"];
      for (const auto& [key, value] : e.items()) {
        if (key == "text") continue;
        if (key == "role" && value.is_string() && parse_role(value.get<std::string>())) {
          ex.options.role = *parse_role(value.get<std::string>());
        } else if (key == "platform" && value.is_string() &&
                   parse_platform(value.get<std::string>())) {
          ex.options.platform = *parse_platform(value.get<std::string>());
        } else if (key == "bioDisclaimer" && value.is_boolean()) {
          ex.options.bio_disclaimer = value.get<bool>();
        } else {
          problem(w, where + "bad example field " + in_quotes(key) + ": " + value.dump());
        }
      }
    } else {
      problem(w, where + "an example is a string or an object with \"text\"");
      return std::nullopt;
    }
    if (ex.text.empty()) {
      problem(w, where + "empty example");
      return std::nullopt;
    }
    return ex;
  }

  // ---- matchers -------------------------------------------------------------------------

  int add_node(MatcherNode n) {
    out_.nodes.push_back(std::move(n));
    return static_cast<int>(out_.nodes.size() - 1);
  }

  int matcher(const json& j, const Where& w, const std::string& at, int depth) {
    if (depth >= kMaxMatcherDepth) {
      problem(w, at + ": matchers nest deeper than " + std::to_string(kMaxMatcherDepth));
      return -1;
    }
    if (!j.is_object()) {
      problem(w, at + ": a matcher is an object, not " + type_name(j));
      return -1;
    }
    static const std::vector<std::pair<std::string, std::set<std::string>>> kShapes = {
        {"phrases", {}},      {"regex", {}},
        {"near", {"within"}}, {"any", {}},
        {"all", {}},          {"when", {"requires", "satisfiedByProfile"}},
        {"count", {"max"}},   {"wordsPerHashtag", {}},
        {"length", {"max"}},  {"names", {}},
    };
    const std::pair<std::string, std::set<std::string>>* shape = nullptr;
    for (const auto& s : kShapes) {
      if (!j.contains(s.first)) continue;
      if (shape) {
        problem(w, at + ": a matcher has exactly one kind, found " + in_quotes(shape->first) +
                       " and " + in_quotes(s.first));
        return -1;
      }
      shape = &s;
    }
    if (!shape) {
      problem(w, at + ": a matcher needs one of phrases, regex, near, any, all, when, count, "
                      "wordsPerHashtag, length, names");
      return -1;
    }
    for (const auto& [key, value] : j.items()) {
      if (key != shape->first && !shape->second.contains(key)) {
        problem(w, at + ": unknown key " + in_quotes(key) + " in a " + in_quotes(shape->first) +
                       " matcher");
      }
    }
    const std::string& kind = shape->first;
    const json& v = j[kind];
    if (kind == "phrases") return phrases(v, w, at);
    if (kind == "regex") return regex(v, w, at);
    if (kind == "near") return near(j, w, at, depth);
    if (kind == "any" || kind == "all") return group(kind, v, w, at, depth);
    if (kind == "when") return requires_(j, w, at, depth);
    if (kind == "count") return count(j, w, at);
    if (kind == "wordsPerHashtag") {
      MatcherNode n = node_of(MatcherKind::words_per_hashtag);
      if (!v.is_number_integer() || v.get<int>() < 1) {
        problem(w, at + ": \"wordsPerHashtag\" must be a whole number of at least 1");
        return -1;
      }
      n.number = v.get<int>();
      return add_node(std::move(n));
    }
    if (kind == "names") {
      if (!v.is_boolean() || !v.get<bool>()) {
        problem(w, at + ": \"names\" must be true");
        return -1;
      }
      return add_node(node_of(MatcherKind::names));
    }
    return length(j, w, at);
  }

  int phrases(const json& v, const Where& w, const std::string& at) {
    if (!v.is_array() || v.empty()) {
      problem(w, at + ": \"phrases\" must be a non-empty array of strings");
      return -1;
    }
    if (v.size() > kMaxPhrasesPerList) {
      problem(w, at + ": more than " + std::to_string(kMaxPhrasesPerList) + " phrases");
      return -1;
    }
    MatcherNode n = node_of(MatcherKind::phrases);
    n.list = out_.phrases.add_list();
    lists_.push_back({w, at, &v});
    for (const json& p : v) {
      if (!p.is_string()) {
        problem(w, at + ": phrases must be strings, found " + p.dump());
        continue;
      }
      if (auto words = phrase_words(p.get<std::string>(), w, at)) {
        out_.phrases.add_phrase(n.list, std::move(*words));
      }
    }
    return add_node(std::move(n));
  }

  // Folds and splits a phrase exactly as posts are, so both sides compare alike.
  std::optional<std::vector<PhraseWord>> phrase_words(const std::string& phrase, const Where& w,
                                                      const std::string& at) {
    if (auto hit = cache_->words.find(phrase); hit != cache_->words.end()) return hit->second;
    const std::string folded = fold(phrase);
    const std::vector<ByteRange> ranges = split_phrase(folded);
    std::vector<PhraseWord> words;
    for (const ByteRange& r : ranges) {
      PhraseWord pw{folded.substr(r.begin, r.end - r.begin), false};
      if (r.end < folded.size() && folded[r.end] == '*') {
        pw.prefix = true;
        size_t letters = 0;
        for (unsigned char ch : pw.text) letters += (ch & 0xC0) != 0x80;
        if (letters < 3) {
          problem(w, at + ": phrase " + in_quotes(phrase) +
                         ": a wildcard needs at least 3 letters before '*'");
          return std::nullopt;
        }
      }
      words.push_back(std::move(pw));
    }
    for (size_t i = 0; i < folded.size(); ++i) {
      const bool ends_word =
          std::any_of(ranges.begin(), ranges.end(), [&](const ByteRange& r) { return r.end == i; });
      if (folded[i] == '*' && !ends_word) {
        problem(w, at + ": phrase " + in_quotes(phrase) + ": '*' must end a word");
        return std::nullopt;
      }
    }
    if (words.empty()) {
      problem(w, at + ": phrase " + in_quotes(phrase) + " has no words to match");
      return std::nullopt;
    }
    if (words.size() > kMaxPhraseWords) {
      problem(w, at + ": phrase " +
                     in_quotes(phrase.size() > 40 ? phrase.substr(0, 40) + "..." : phrase) +
                     " has " + std::to_string(words.size()) + " words, more than " +
                     std::to_string(kMaxPhraseWords));
      return std::nullopt;
    }
    cache_->words.emplace(phrase, words);
    return words;
  }

  // Most phrases are plain lower-case words; for them ICU's word boundaries are the spaces
  // and the '*', and skipping the break iterator makes loading the packs markedly faster.
  std::vector<ByteRange> split_phrase(const std::string& folded) {
    const bool plain = std::all_of(folded.begin(), folded.end(), [](char ch) {
      return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == ' ' || ch == '*';
    });
    if (!plain) return breaker_.split(folded);
    std::vector<ByteRange> ranges;
    size_t i = 0;
    while (i < folded.size()) {
      while (i < folded.size() && (folded[i] == ' ' || folded[i] == '*')) ++i;
      const size_t begin = i;
      while (i < folded.size() && folded[i] != ' ' && folded[i] != '*') ++i;
      if (i > begin) ranges.push_back({static_cast<uint32_t>(begin), static_cast<uint32_t>(i)});
    }
    return ranges;
  }

  int regex(const json& v, const Where& w, const std::string& at) {
    if (!v.is_string() || v.get_ref<const std::string&>().empty()) {
      problem(w, at + ": \"regex\" must be a non-empty string");
      return -1;
    }
    Expected<int> id = out_.regexes->add(v.get<std::string>());
    if (!id) {
      problem(w, at + ": " + id.error().message);
      return -1;
    }
    MatcherNode n = node_of(MatcherKind::regex);
    n.list = *id;
    return add_node(std::move(n));
  }

  int near(const json& j, const Where& w, const std::string& at, int depth) {
    const json& v = j["near"];
    if (!v.is_array() || v.size() != 2) {
      problem(w, at + ": \"near\" must be an array of exactly two matchers");
      return -1;
    }
    if (!j.contains("within") || !j["within"].is_number_integer() || j["within"].get<int>() < 0 ||
        j["within"].get<int>() > kMaxNearWithin) {
      problem(w, at + ": \"near\" needs \"within\": a whole number of words from 0 to " +
                     std::to_string(kMaxNearWithin));
      return -1;
    }
    MatcherNode n = node_of(MatcherKind::near);
    n.number = j["within"].get<int>();
    n.children = {matcher(v[0], w, at + ".near[0]", depth + 1),
                  matcher(v[1], w, at + ".near[1]", depth + 1)};
    return add_node(std::move(n));
  }

  int group(const std::string& kind, const json& v, const Where& w, const std::string& at,
            int depth) {
    if (!v.is_array() || v.empty()) {
      problem(w, at + ": " + in_quotes(kind) + " must be a non-empty array of matchers");
      return -1;
    }
    MatcherNode n = node_of(kind == "any" ? MatcherKind::any : MatcherKind::all);
    for (size_t i = 0; i < v.size(); ++i) {
      n.children.push_back(
          matcher(v[i], w, at + "." + kind + "[" + std::to_string(i) + "]", depth + 1));
    }
    return add_node(std::move(n));
  }

  int requires_(const json& j, const Where& w, const std::string& at, int depth) {
    if (!j.contains("requires")) {
      problem(w, at + ": a \"when\" matcher needs \"requires\"");
      return -1;
    }
    MatcherNode n = node_of(MatcherKind::requires_);
    if (j.contains("satisfiedByProfile")) {
      if (j["satisfiedByProfile"] != "bioDisclaimer") {
        problem(w, at + ": \"satisfiedByProfile\" can only be \"bioDisclaimer\"");
      }
      n.satisfied_by_bio = true;
    }
    n.children = {matcher(j["when"], w, at + ".when", depth + 1),
                  matcher(j["requires"], w, at + ".requires", depth + 1)};
    return add_node(std::move(n));
  }

  static bool whole_number_at_least(const json& j, const char* key, int min) {
    return j.contains(key) && j[key].is_number_integer() && j[key].get<int64_t>() >= min &&
           j[key].get<int64_t>() <= 1'000'000;
  }

  int count(const json& j, const Where& w, const std::string& at) {
    MatcherNode n = node_of(MatcherKind::count);
    const json& what = j["count"];
    if (what == "hashtags") {
      n.entity = Entity::hashtags;
    } else if (what == "mentions") {
      n.entity = Entity::mentions;
    } else if (what == "urls") {
      n.entity = Entity::urls;
    } else {
      problem(w, at + ": \"count\" must be hashtags, mentions or urls, not " + what.dump());
      return -1;
    }
    if (!whole_number_at_least(j, "max", 0)) {
      problem(w, at + ": \"count\" needs \"max\": a whole number of at least 0");
      return -1;
    }
    n.number = j["max"].get<int>();
    return add_node(std::move(n));
  }

  int length(const json& j, const Where& w, const std::string& at) {
    MatcherNode n = node_of(MatcherKind::length);
    const json& what = j["length"];
    if (what == "twitter") {
      n.measure = LengthMeasure::twitter;
    } else if (what == "characters") {
      n.measure = LengthMeasure::characters;
    } else if (what == "words") {
      n.measure = LengthMeasure::words;
    } else {
      problem(w, at + ": \"length\" must be twitter, characters or words, not " + what.dump());
      return -1;
    }
    if (!whole_number_at_least(j, "max", 1)) {
      problem(w, at + ": \"length\" needs \"max\": a whole number of at least 1");
      return -1;
    }
    n.number = j["max"].get<int>();
    return add_node(std::move(n));
  }

  struct PhraseList {
    Where where;
    std::string at;
    const json* phrases;
  };

  CompiledRules& out_;
  std::vector<PhraseList> lists_;
  WordBreaker breaker_;
  PhraseCache own_cache_;
  PhraseCache* cache_;
  std::set<std::string> ids_;
};

// ---- packs ----------------------------------------------------------------------------

struct PackHeader {
  std::string id;
  bool ok = true;
};

// Checks the keys every pack has; `kind` is "policy" or "shared".
PackHeader header(const RuleFile& f, const std::string& kind, Compiler& c) {
  static const std::set<std::string> kKeys = {"$schema",     "format", "id",      "kind",
                                              "name",        "source", "extends", "rules",
                                              "description", "version"};
  PackHeader h;
  const Where top{&f, 1, ""};
  if (!f.json.is_object()) {
    c.problem(top, "a rule file is a JSON object");
    h.ok = false;
    return h;
  }
  for (const auto& [key, value] : f.json.items()) {
    if (!kKeys.contains(key))
      c.problem({&f, f.line_of("\"" + key + "\""), ""}, "unknown key " + in_quotes(key));
  }
  auto line_of = [&](const char* key) { return f.line_of(std::string("\"") + key + "\""); };
  if (!f.json.contains("format") || f.json["format"] != 1) {
    c.problem({&f, line_of("format"), ""}, "\"format\" must be 1");
    h.ok = false;
  }
  if (string_or_empty(f.json, "kind") != kind) {
    c.problem({&f, line_of("kind"), ""}, "\"kind\" must be " + in_quotes(kind) + " here");
    h.ok = false;
  }
  const std::string id = string_or_empty(f.json, "id");
  if (!valid_id_segment(id)) {
    c.problem({&f, line_of("id"), ""}, "\"id\" must be a-z, 0-9 and '-'");
    h.ok = false;
  } else if (f.path.stem() != id) {
    c.problem({&f, line_of("id"), ""}, "\"id\" is " + in_quotes(id) + " but the file is named " +
                                           in_quotes(f.path.filename().string()) + "; name it " +
                                           in_quotes(id + ".json"));
    h.ok = false;
  }
  h.id = id;
  if (!f.json.contains("name") || !f.json["name"].is_string() ||
      f.json["name"].get<std::string>().empty()) {
    c.problem({&f, line_of("name"), ""}, "missing \"name\"");
  }
  if (kind == "policy" && (!f.json.contains("source") || !f.json["source"].is_string() ||
                           f.json["source"].get<std::string>().empty())) {
    c.problem({&f, line_of("source"), ""}, "missing \"source\": the policy document it encodes");
  }
  if (f.json.contains("rules") && !f.json["rules"].is_array()) {
    c.problem({&f, line_of("rules"), ""}, "\"rules\" must be an array");
    h.ok = false;
  }
  return h;
}

const json& rules_of(const RuleFile& f) {
  static const json kEmpty = json::array();
  auto it = f.json.find("rules");
  return it != f.json.end() && it->is_array() ? *it : kEmpty;
}

void extends(const RuleFile& f, const std::string& policy_id, const SharedPackLookup& lookup,
             Compiler& c) {
  auto it = f.json.find("extends");
  if (it == f.json.end()) return;
  const Where at{&f, f.line_of("\"extends\""), ""};
  if (!it->is_array()) {
    c.problem(at, "\"extends\" must be an array");
    return;
  }
  size_t cursor = f.find_after("\"extends\"", 0);
  for (const json& e : *it) {
    Where w = at;
    if (!e.is_object() || !e.contains("pack") || !e["pack"].is_string()) {
      c.problem(w, "each \"extends\" entry is an object with \"pack\" and \"clause\"");
      continue;
    }
    const std::string pack = e["pack"];
    cursor = f.find_after("\"" + pack + "\"", cursor);
    w.line = f.line_at(cursor);
    for (const auto& [key, value] : e.items()) {
      static const std::set<std::string> kKeys = {"pack", "clause", "clauses", "exclude",
                                                  "severity"};
      if (!kKeys.contains(key))
        c.problem(w, "extends " + in_quotes(pack) + ": unknown key " + in_quotes(key));
    }
    if (!e.contains("clause") || !e["clause"].is_string() ||
        e["clause"].get<std::string>().empty()) {
      c.problem(w, "extends " + in_quotes(pack) +
                       ": needs \"clause\", the section of this "
                       "policy that the shared rules enforce");
      continue;
    }
    const RuleFile* shared = lookup(pack);
    if (!shared) {
      c.problem(w, "extends " + in_quotes(pack) + ": no shared pack " + in_quotes(pack) +
                       " (rules/shared/" + pack + ".json) in any rules directory");
      continue;
    }
    std::set<std::string> shared_ids;
    for (const json& r : rules_of(*shared)) {
      if (r.is_object() && r.contains("id") && r["id"].is_string()) shared_ids.insert(r["id"]);
    }
    Intake in;
    in.id_prefix = policy_id + ".";
    in.shared = true;
    in.clause = e["clause"];
    auto known = [&](const std::string& id, const char* key) {
      if (shared_ids.contains(id)) return true;
      c.problem(w, "extends " + in_quotes(pack) + ": \"" + key + "\" names " + in_quotes(id) +
                       ", which is not a rule of that pack");
      return false;
    };
    if (e.contains("clauses") && e["clauses"].is_object()) {
      for (const auto& [id, clause] : e["clauses"].items()) {
        if (known(id, "clauses") && clause.is_string()) in.clauses[id] = clause;
      }
    }
    if (e.contains("exclude") && e["exclude"].is_array()) {
      for (const json& id : e["exclude"]) {
        if (id.is_string() && known(id, "exclude")) in.exclude.insert(id);
      }
    }
    if (e.contains("severity") && e["severity"].is_object()) {
      for (const auto& [id, sev] : e["severity"].items()) {
        auto s = sev.is_string() ? parse_severity(sev.get<std::string>()) : std::nullopt;
        if (!s) {
          c.problem(w, "extends " + in_quotes(pack) + ": bad severity " + sev.dump());
        } else if (known(id, "severity")) {
          in.severities[id] = *s;
        }
      }
    }
    c.rules_of(*shared, rules_of(*shared), in);
  }
}

}  // namespace

static CompileResult compile_policy_unguarded(const RuleFile& file, const SharedPackLookup& shared,
                                              std::shared_ptr<RegexBank> regexes,
                                              PhraseCache* cache) {
  const bool own_bank = regexes == nullptr;
  auto compiled = std::make_shared<CompiledRules>();
  compiled->regexes = own_bank ? std::make_shared<RegexBank>() : std::move(regexes);
  Compiler c(*compiled, cache);
  CompileResult result;
  const PackHeader h = header(file, "policy", c);
  if (h.ok) {
    compiled->regexes->start_screen();
    extends(file, h.id, shared, c);
    Intake own;
    own.required_prefix = h.id + ".";
    c.rules_of(file, rules_of(file), own);
    c.phrase_cost();
    if (Expected<bool> ok = own_bank ? compiled->regexes->compile() : Expected<bool>(true); !ok) {
      c.problem({&file, 1, ""}, ok.error().message);
    }
  }
  result.problems = std::move(c.problems);
  if (!result.problems.empty()) return result;
  std::vector<int> patterns;
  for (const MatcherNode& n : compiled->nodes) {
    if (n.kind == MatcherKind::regex) patterns.push_back(n.list);
  }
  compiled->screens = compiled->regexes->screens_of(patterns);
  PolicyInfo info;
  info.id = h.id;
  info.name = string_or_empty(file.json, "name");
  info.source = string_or_empty(file.json, "source");
  info.path = file.path.string();
  info.rule_count = compiled->rules.size();
  result.policy = std::make_shared<const Policy>(std::move(info), std::move(compiled));
  return result;
}

// Every field is type-checked before use; this only turns a check we missed into a reported
// problem instead of a crash of the host.
CompileResult compile_policy(const RuleFile& file, const SharedPackLookup& shared,
                             std::shared_ptr<RegexBank> regexes, PhraseCache* cache) {
  try {
    return compile_policy_unguarded(file, shared, std::move(regexes), cache);
  } catch (const nlohmann::json::exception& e) {
    return CompileResult{
        nullptr,
        {file.path.string() + ": a value has the wrong type (" + std::string(e.what()) + ")"}};
  }
}

static std::vector<std::string> validate_shared_pack_unguarded(const RuleFile& file) {
  CompiledRules compiled;
  compiled.regexes = std::make_shared<RegexBank>();
  Compiler c(compiled);
  const PackHeader h = header(file, "shared", c);
  if (h.ok) {
    Intake in;
    in.shared = true;
    in.clause = "(set by the extending policy)";
    c.rules_of(file, rules_of(file), in);
    c.phrase_cost();
    if (Expected<bool> ok = compiled.regexes->compile(); !ok) {
      c.problem({&file, 1, ""}, ok.error().message);
    }
  }
  return std::move(c.problems);
}

std::vector<std::string> validate_shared_pack(const RuleFile& file) {
  try {
    return validate_shared_pack_unguarded(file);
  } catch (const nlohmann::json::exception& e) {
    return {file.path.string() + ": a value has the wrong type (" + std::string(e.what()) + ")"};
  }
}

}  // namespace postguard

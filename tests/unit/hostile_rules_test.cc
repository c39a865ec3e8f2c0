// Rule packs written to be slow: the patterns that make backtracking engines take exponential
// time, patterns that make an automaton keep a state per recent character or look to the end
// of the post for every match, phrase lists built to make the word-trie walk long or wide,
// proximity and exceptions over thousands of hits. Each is either refused at load with an
// exact path:line message, or accepted and then gives exactly the right warnings on
// 60 000-character posts built against it. How long those checks take is measured, not tested
// here: postguard-bench-hostile, recorded in docs/performance.md ("Hostile rules").
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test_support.h"

#ifndef POSTGUARD_FIXTURES_DIR
#error "POSTGUARD_FIXTURES_DIR must name tests/fixtures"
#endif

using namespace postguard;
using postguard::testing::compile_text;
using postguard::testing::pack_json;
using postguard::testing::rule_json;
using postguard::testing::TempDir;

namespace {

// A pack from tests/fixtures/hostile/, compiled on its own as `postguard rules validate` does.
std::shared_ptr<const Policy> fixture(const std::string& id) {
  Expected<RuleFile> f =
      read_rule_file(std::filesystem::path(POSTGUARD_FIXTURES_DIR) / "hostile" / (id + ".json"));
  REQUIRE(f);
  CompileResult r = compile_policy(*f, [](std::string_view) { return nullptr; });
  INFO((r.problems.empty() ? "" : r.problems.front()));
  REQUIRE(r.policy);
  return r.policy;
}

std::shared_ptr<const Policy> compiled(const std::string& rules) {
  CompileResult r = compile_text(pack_json(rules));
  INFO((r.problems.empty() ? "" : r.problems.front()));
  REQUIRE(r.policy);
  return r.policy;
}

std::vector<std::string> problems(const std::string& rules) {
  return compile_text(pack_json(rules)).problems;
}

using Spans = std::vector<std::pair<uint32_t, uint32_t>>;

// Every warning's span, by rule id without the pack's prefix. The posts here are ASCII, so
// UTF-16 offsets are byte offsets.
std::map<std::string, Spans> by_rule(const Policy& p, const std::string& text) {
  std::map<std::string, Spans> out;
  for (const Warning& w : p.check(text, {})) {
    out[w.rule.substr(w.rule.find('.') + 1)].push_back({w.span.start, w.span.end});
  }
  return out;
}

std::string repeat(const std::string& unit, size_t n) {
  std::string s;
  while (s.size() + unit.size() <= n) s += unit;
  return s;
}

// Deterministic a/b noise, with a 'c' every 3 000 bytes.
std::string noise_with_cs(size_t n) {
  std::string s(n, 'a');
  uint32_t x = 2463534242u;
  for (size_t i = 0; i < n; ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    s[i] = i % 3000 == 2999 ? 'c' : (x & 1) != 0 ? 'a' : 'b';
  }
  return s;
}

}  // namespace

TEST_CASE("hostile: backtracking bombs load and stay exact on 60 000 characters",
          "[hostile][regex]") {
  auto p = fixture("hostile-backtracking");
  const uint32_t n = 60000;
  const std::string as(n, 'a');
  CHECK(by_rule(*p, as) == std::map<std::string, Spans>{{"nested-plus", {{0, n}}},
                                                        {"dot-star-25", {{0, n}}},
                                                        {"words-to-end", {{0, n}}}});
  CHECK(by_rule(*p, std::string(n - 1, 'a') + "b") ==
        std::map<std::string, Spans>{{"overlapping-alternation", {{0, n}}},
                                     {"dot-star-25", {{0, n - 1}}},
                                     {"words-to-end", {{0, n}}}});
  // (?:(?:x{10}){10}){10} is x{1000}: hits end to end, none cut at a search window.
  Spans thousands;
  for (uint32_t i = 0; i + 1000 <= n; i += 1000) thousands.push_back({i, i + 1000});
  CHECK(by_rule(*p, std::string(n, 'x')) ==
        std::map<std::string, Spans>{{"nested-counted", thousands}, {"words-to-end", {{0, n}}}});
  thousands.pop_back();
  CHECK(by_rule(*p, std::string(n - 1, 'x') + "y") ==
        std::map<std::string, Spans>{
            {"double-plus", {{0, n}}}, {"nested-counted", thousands}, {"words-to-end", {{0, n}}}});
  // One of 300 alternatives, as a whole word, 6 000 times; its neighbour is not one of them.
  const std::string words = repeat("w299 w300 ", n);
  Spans alternatives;
  for (uint32_t i = 0; i < words.size(); i += 10) alternatives.push_back({i, i + 4});
  CHECK(by_rule(*p, words)["alternatives-300"] == alternatives);
  CHECK(alternatives.size() == 6000);
}

TEST_CASE("hostile: a pattern that must look ahead to the end still finds every match",
          "[hostile][regex]") {
  auto p = fixture("hostile-lookahead");
  const uint32_t n = 60000;
  // a(?:[^z]*z)? has to read to the end of the post to learn that no z follows each 'a';
  // searched naively match after match, that is quadratic.
  Spans each;
  for (uint32_t i = 0; i < n; ++i) each.push_back({i, i + 1});
  CHECK(by_rule(*p, std::string(n, 'a')) == std::map<std::string, Spans>{{"optional-tail", each}});
  CHECK(by_rule(*p, std::string(n, 'x')) ==
        std::map<std::string, Spans>{{"greedy-alternative", each}});
  // x[^!]*!|x prefers the long alternative wherever it completes.
  const std::string runs = repeat(std::string(200, 'x') + "!", n);
  Spans whole_runs;
  for (uint32_t i = 0; i < runs.size(); i += 201) whole_runs.push_back({i, i + 201});
  CHECK(by_rule(*p, runs) == std::map<std::string, Spans>{{"greedy-alternative", whole_runs}});
}

TEST_CASE("hostile: a pattern whose automaton explodes still matches exactly", "[hostile][regex]") {
  // a[ab]{20}c needs a DFA state for every recent pattern of a/b; on a/b noise RE2 keeps
  // building new ones. (The fixture's a[ab]{999}c does the same at a far higher cost per
  // character, about a second for this post: the benchmark measures it, the tests do not.)
  auto p = compiled(rule_json("dfa", R"({"regex": "a[ab]{20}c"})"));
  const std::string text = noise_with_cs(60000);
  Spans expected;  // a match ends at every 'c' whose 21st character back is an 'a'
  for (uint32_t c = 2999; c < text.size(); c += 3000) {
    if (text[c - 21] == 'a') expected.push_back({c - 21, c + 1});
  }
  REQUIRE(expected.size() > 3);
  CHECK(by_rule(*p, text)["dfa"] == expected);
}

TEST_CASE("hostile: regexes that cannot be run are refused with their line", "[hostile][regex]") {
  auto one = [](const std::string& pattern) {
    std::vector<std::string> ps =
        problems(rule_json("r", nlohmann::json({{"regex", pattern}}).dump()));
    return ps.size() == 1 ? ps.front() : "(" + std::to_string(ps.size()) + " problems)";
  };
  const std::string at = "t.json:1: rule 't.r': match: ";
  CHECK(one("(a{1000}){1000}") == at + "regex does not compile: invalid repetition size: {1000}");
  CHECK(one("(?:abcdefghij){1000}") ==
        at + "regex is too complex: it compiles to 10004 instructions, more than 10000; split "
             "it or use a shorter repetition count");
  CHECK(one("[\\p{L}]{1000}") ==
        at + "regex is too complex: it compiles to more than 10000 instructions; split it or "
             "use a shorter repetition count");
  CHECK(one("(a)\\1") == at + "regex does not compile: invalid escape sequence: \\1 "
                              "(back-references are not supported)");
  CHECK(one("x(?=y)") ==
        at + "regex does not compile: invalid perl operator: (?= (look-ahead is not supported)");
  CHECK(one("x(?!y)") ==
        at + "regex does not compile: invalid perl operator: (?! (look-ahead is not supported)");
  CHECK(one("(?<=x)y") == at + "regex does not compile: invalid perl operator: (?< (look-behind "
                               "is not supported; a named group is written (?P<name>...))");
  CHECK(one("a++") == at + "regex does not compile: bad repetition operator: ++ (possessive "
                           "quantifiers are not supported)");
  CHECK(one("(?>a)") ==
        at +
            "regex does not compile: invalid perl operator: (?> (atomic groups are not supported)");
  std::string alternatives = "w0";
  for (int i = 1; i < 10000; ++i) alternatives += "|w" + std::to_string(i);
  CHECK(one(alternatives) == at + "regex is longer than 2000 bytes");
}

TEST_CASE("hostile: the regexes of all packs together have a size limit", "[hostile][regex]") {
  // Every check screens every loaded pattern at once, so their total is bounded too.
  std::string rules;
  for (int i = 0; i < 23; ++i) {
    if (i > 0) rules += ",\n";
    rules += rule_json("r" + std::to_string(i),
                       R"({"regex": ")" + std::to_string(i) + R"((?:abcdefghi){999}"})");
  }
  CHECK(problems(rules) ==
        std::vector<std::string>{
            "t.json:45: rule 't.r22': match: regex does not fit: the regexes of all loaded packs "
            "together would compile to 206921 instructions, more than 200000"});
}

TEST_CASE("hostile: one pack's unrunnable regex leaves the other packs loaded",
          "[hostile][regex]") {
  // RE2 accepts [\p{L}]{1000} into a set and only fails when the set is compiled, which once
  // took every policy down with it.
  TempDir dir;
  dir.write("demo.json", postguard::testing::kDemoPack);
  dir.write("t.json", pack_json(rule_json("r", R"({"regex": "[\\p{L}]{1000}"})")));
  PolicySet set = PolicySet::load({dir.path()});
  CHECK(set.find("demo") != nullptr);
  CHECK(set.find("t") == nullptr);
  REQUIRE(set.errors().size() == 1);
  CHECK(set.errors()[0] == (dir.path() / "t.json").string() +
                               ":1: rule 't.r': match: regex is too complex: it compiles to "
                               "more than 10000 instructions; split it or use a shorter "
                               "repetition count");
}

TEST_CASE("hostile: long phrases, wide wildcards and huge lists stay exact", "[hostile][phrases]") {
  auto p = fixture("hostile-phrases");
  // Sixteen words, on 30 000 copies of the word: every word starts a sixteen-deep walk.
  const std::string as = repeat("a ", 60000);
  CHECK(by_rule(*p, as) == std::map<std::string, Spans>{{"sixteen-words", {{0, 59999}}}});
  // Every pair of wildcards matches every pair of words: the hits overlap into one.
  const std::string abcdefs = repeat("abcdef ", 60000);
  const auto last = static_cast<uint32_t>(abcdefs.size() - 1);
  CHECK(by_rule(*p, abcdefs) == std::map<std::string, Spans>{{"wildcards", {{0, last}}}});

  // The largest list a matcher may have, on a post of its words and others.
  std::string list;
  for (int i = 0; i < 20000; ++i) list += (i > 0 ? ",\"p" : "\"p") + std::to_string(i) + "\"";
  auto big = compiled(rule_json("big", "{\"phrases\": [" + list + "]}"));
  const std::string post = repeat("p19999 q12 p7 ", 60000);
  Spans hits;
  for (uint32_t i = 0; i < post.size(); i += 14) {
    hits.push_back({i, i + 6});
    hits.push_back({i + 11, i + 13});
  }
  CHECK(by_rule(*big, post)["big"] == hits);
  CHECK(problems(rule_json("big", "{\"phrases\": [" + list + ",\"p20000\"]}")) ==
        std::vector<std::string>{"t.json:1: rule 't.big': match: more than 20000 phrases"});
}

TEST_CASE("hostile: phrase lists that would make the walk too long or wide are refused",
          "[hostile][phrases]") {
  CHECK(problems(rule_json("r", R"({"phrases": ["a b c d e f g h i j k l m n o p q"]})")) ==
        std::vector<std::string>{"t.json:1: rule 't.r': match: phrase 'a b c d e f g h i j k l m "
                                 "n o p q' has 17 words, more than 16"});
  // Six nested wildcards at each of four words: one word of a post can continue 6 of them, the
  // next 36 of those, and so on.
  auto combinations = [](const std::vector<std::string>& labels, int depth) {
    std::vector<std::string> phrases = {""};
    for (int d = 0; d < depth; ++d) {
      std::vector<std::string> next;
      for (const std::string& p : phrases) {
        for (const std::string& l : labels) next.push_back(p.empty() ? l : p + " " + l);
      }
      phrases = next;
    }
    return nlohmann::json({{"phrases", phrases}}).dump();
  };
  const std::vector<std::string> short_ones = {"abc*",    "abcd*",    "abcde*",
                                               "abcdef*", "abcdefg*", "abcdefgh*"};
  const std::vector<std::string> long_ones = {"abcdefghi*",    "abcdefghij*",    "abcdefghijk*",
                                              "abcdefghijkl*", "abcdefghijklm*", "abcdefghijklmn*"};
  CHECK(problems(rule_json("r", combinations(short_ones, 4))) ==
        std::vector<std::string>{
            "t.json:1: rule 't.r': match: phrases: too many phrases overlap through wildcards: "
            "one word of a post can take up to 6218 steps through the policy's phrases (this list "
            "alone: 6218), more than 2000"});
  // Each list alone is fine; one word can continue both.
  CHECK(problems(rule_json("a", combinations(short_ones, 3))).empty());
  CHECK(problems(rule_json("a", combinations(short_ones, 3)) + ",\n" +
                 rule_json("b", combinations(long_ones, 3))) ==
        std::vector<std::string>{
            "t.json:1: rule 't.a': match: phrases: too many phrases overlap through wildcards: "
            "one word of a post can take up to 2066 steps through the policy's phrases (this list "
            "alone: 1034), more than 2000"});
}

TEST_CASE("hostile: near and except over thousands of hits stay exact", "[hostile][near]") {
  auto p = fixture("hostile-near");
  const std::string text = repeat("x y ", 60000);  // x at 4k, y at 4k + 2
  std::map<std::string, Spans> got = by_rule(*p, text);
  // Every x pairs with the one regex hit that covers the whole post.
  CHECK(got["near-long-hit"] == Spans{{0, 60000}});
  // Every x pairs with the y just before it (the first of two equally near ones); the first x
  // with the y after it, which overlaps the second pair.
  Spans pairs = {{0, 5}};
  for (uint32_t x = 8; x < text.size(); x += 4) pairs.push_back({x - 2, x + 1});
  CHECK(got["near-many"] == pairs);
  Spans xs;
  for (uint32_t x = 0; x < text.size(); x += 4) xs.push_back({x, x + 1});
  CHECK(got["except-many"] == xs);
}

TEST_CASE("hostile: near pairs each hit with the nearest one, as the reference says",
          "[hostile][near]") {
  // A brute-force reference over word indices on random posts: the nearest hit of b to each
  // hit of a (the first in text order among equally near ones, never an identical one), at
  // most `within` words apart, both underlined with what lies between; overlapping
  // underlines merge.
  const int within = GENERATE(0, 1, 3);
  auto p = compiled(rule_json(
      "n", R"({"near": [{"phrases": ["x", "x y"]}, {"phrases": ["y", "y z"]}], "within": )" +
               std::to_string(within) + "}"));
  uint32_t seed = 12345u + static_cast<uint32_t>(within);
  for (int round = 0; round < 300; ++round) {
    std::vector<std::string> words;
    std::string text;
    std::vector<uint32_t> begin, end;
    const int count = 1 + static_cast<int>((seed = seed * 1103515245u + 12345u) >> 16) % 40;
    for (int i = 0; i < count; ++i) {
      const char* w[] = {"x", "y", "z", "w"};
      words.emplace_back(w[((seed = seed * 1103515245u + 12345u) >> 16) % 4]);
      if (!text.empty()) text += ' ';
      begin.push_back(static_cast<uint32_t>(text.size()));
      text += words.back();
      end.push_back(static_cast<uint32_t>(text.size()));
    }
    struct Hit {
      size_t first, last;  // word indices, last exclusive
    };
    auto hits = [&](const std::string& one, const std::string& next) {
      std::vector<Hit> out;  // a list keeps the longer phrase where two start together
      for (size_t i = 0; i < words.size(); ++i) {
        if (words[i] != one) continue;
        out.push_back({i, i + 1 < words.size() && words[i + 1] == next ? i + 2 : i + 1});
      }
      return out;
    };
    const std::vector<Hit> as = hits("x", "y"), bs = hits("y", "z");
    Spans expected;
    for (const Hit& a : as) {
      const Hit* best = nullptr;
      size_t best_gap = 0;
      for (const Hit& b : bs) {
        if (b.first == a.first && b.last == a.last) continue;
        const size_t gap = b.first >= a.last   ? b.first - a.last
                           : a.first >= b.last ? a.first - b.last
                                               : 0;
        if (gap <= static_cast<size_t>(within) && (best == nullptr || gap < best_gap)) {
          best = &b;
          best_gap = gap;
        }
      }
      if (best != nullptr) {
        expected.push_back(
            {begin[std::min(a.first, best->first)], end[std::max(a.last, best->last) - 1]});
      }
    }
    std::sort(expected.begin(), expected.end());
    Spans merged;
    for (const auto& s : expected) {
      if (!merged.empty() && s.first < merged.back().second) {
        merged.back().second = std::max(merged.back().second, s.second);
      } else {
        merged.push_back(s);
      }
    }
    INFO(text);
    CHECK(by_rule(*p, text)["n"] == merged);
  }
}

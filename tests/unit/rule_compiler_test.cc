// Rule-file errors: every problem is reported with its file, line and rule, in exact words.
#include <catch2/catch.hpp>

#include "test_support.h"

using namespace postguard;
using postguard::testing::compile_text;
using postguard::testing::pack_json;
using postguard::testing::rule_json;
using postguard::testing::TempDir;

namespace {

std::vector<std::string> problems_of(const std::string& text) {
  return compile_text(text).problems;
}

}  // namespace

TEST_CASE("invalid JSON names the line and column", "[rules][errors]") {
  CHECK(problems_of("{\n  \"id\": \"t\",\n  oops\n}") ==
        std::vector<std::string>{
            "t.json:3:3: invalid JSON: syntax error while parsing object key - invalid literal; "
            "last read: '\"t\",<U+000A>  o'; expected string literal"});
}

TEST_CASE("pack header problems", "[rules][errors]") {
  CHECK(problems_of(R"({"format": 2, "id": "t", "kind": "policy", "name": "n", "source": "s"})") ==
        std::vector<std::string>{"t.json:1: \"format\" must be 1"});
  CHECK(problems_of(R"({"format": 1, "id": "x", "kind": "policy", "name": "n", "source": "s"})") ==
        std::vector<std::string>{
            "t.json:1: \"id\" is 'x' but the file is named 't.json'; name it 'x.json'"});
  CHECK(
      problems_of(
          R"({"format": 1, "id": "t", "kind": "policy", "name": "n", "source": "s", "rulez": []})") ==
      std::vector<std::string>{"t.json:1: unknown key 'rulez'"});
}

TEST_CASE("rule problems name the file line and rule", "[rules][errors]") {
  const std::string text = pack_json(
      "\n" + rule_json("a", R"({"phrases": ["ok"]})") + ",\n" +
      R"({"id": "t.b", "category": "gossip", "severity": "loud", "message": "m", "clause": "c",
          "suggestion": "s", "match": {"regex": "(unclosed"}, "roles": ["boss"],
          "examples": {"trigger": ["x"], "clean": ["y", "z"]}})");
  // Rule "t.a" fills lines 2-3; rule "t.b" starts on line 4.
  CHECK(problems_of(text) ==
        std::vector<std::string>{
            "t.json:4: rule 't.b': unknown category 'gossip' (confidentiality, endorsement, "
            "copyright, minor-consent, disclaimer, privacy, security, conduct, format)",
            "t.json:4: rule 't.b': unknown severity 'loud' (info, warning, error)",
            "t.json:4: rule 't.b': \"roles\" has an unknown value \"boss\"",
            "t.json:4: rule 't.b': match: regex does not compile: missing ): (unclosed",
            "t.json:4: rule 't.b': examples: \"trigger\" needs at least 2 examples",
        });
}

TEST_CASE("matcher shape problems", "[rules][errors]") {
  auto one = [](const std::string& match) {
    std::vector<std::string> p = problems_of(pack_json(rule_json("r", match)));
    return p.size() == 1 ? p[0] : std::string("(") + std::to_string(p.size()) + " problems)";
  };
  CHECK(one(R"({"phrases": ["a"], "regex": "b"})") ==
        "t.json:1: rule 't.r': match: a matcher has exactly one kind, found 'phrases' and 'regex'");
  CHECK(one(R"({"near": [{"phrases": ["a"]}]})") ==
        "t.json:1: rule 't.r': match: \"near\" must be an array of exactly two matchers");
  CHECK(one(R"({"near": [{"phrases": ["a"]}, {"phrases": ["b"]}], "within": 500})") ==
        "t.json:1: rule 't.r': match: \"near\" needs \"within\": a whole number of words from 0 "
        "to 50");
  CHECK(
      one(R"({"phrases": ["ab*"]})") ==
      "t.json:1: rule 't.r': match: phrase 'ab*': a wildcard needs at least 3 letters before '*'");
  CHECK(one(R"({"phrases": ["!!!"]})") ==
        "t.json:1: rule 't.r': match: phrase '!!!' has no words to match");
  CHECK(one(R"({"count": "likes", "max": 1})") ==
        "t.json:1: rule 't.r': match: \"count\" must be hashtags, mentions or urls, not \"likes\"");
  CHECK(one(R"({"length": "words"})") ==
        "t.json:1: rule 't.r': match: \"length\" needs \"max\": a whole number of at least 1");
  CHECK(one(R"({"when": {"phrases": ["a"]}})") ==
        "t.json:1: rule 't.r': match: a \"when\" matcher needs \"requires\"");
  CHECK(one(R"({"phrases": ["a"], "within": 2})") ==
        "t.json:1: rule 't.r': match: unknown key 'within' in a 'phrases' matcher");
  CHECK(
      one(R"({"all": [{"all": [{"all": [{"all": [{"all": [{"all": [{"all": [{"all": [{"phrases": ["a"]}]}]}]}]}]}]}]}]})") ==
      "t.json:1: rule 't.r': match.all[0].all[0].all[0].all[0].all[0].all[0].all[0].all[0]: "
      "matchers nest deeper than 8");
}

TEST_CASE("duplicate ids and wrong prefixes are refused", "[rules][errors]") {
  std::vector<std::string> p = problems_of(pack_json(rule_json("a", R"({"phrases": ["x"]})") + "," +
                                                     rule_json("a", R"({"phrases": ["y"]})")));
  CHECK(p == std::vector<std::string>{"t.json:2: rule 't.a': duplicate rule id 't.a'"});
  std::string other = rule_json("a", R"({"phrases": ["x"]})");
  other.replace(other.find("t.a"), 3, "u.a");
  CHECK(problems_of(pack_json(other)) ==
        std::vector<std::string>{"t.json:1: rule 'u.a': id must start with 't.'"});
}

TEST_CASE("shared packs are extended with the policy's clause and overrides", "[rules][shared]") {
  TempDir dir;
  dir.write("shared/common.json",
            R"({"format": 1, "id": "common", "kind": "shared", "name": "Common",
    "rules": [
      {"id": "conduct.rude", "category": "conduct", "severity": "warning", "message": "m",
       "suggestion": "s", "match": {"phrases": ["idiot"]},
       "examples": {"trigger": ["idiot", "you idiot"], "clean": ["idiom", "idle"]}},
      {"id": "conduct.loud", "category": "conduct", "severity": "info", "message": "m",
       "suggestion": "s", "match": {"phrases": ["shout"]},
       "examples": {"trigger": ["shout", "I shout"], "clean": ["shot", "shut"]}}]})");
  dir.write("t.json", pack_json("", R"( "extends": [{"pack": "common", "clause": "Test policy, 4",
     "severity": {"conduct.rude": "error"}, "exclude": ["conduct.loud"]}],)"));
  PolicySet set = PolicySet::load({dir.path()});
  REQUIRE(set.errors().empty());
  const Policy* p = set.find("t");
  REQUIRE(p);
  std::vector<Warning> ws = p->check("shout, idiot", {});
  REQUIRE(ws.size() == 1);
  CHECK(ws[0].rule == "t.conduct.rude");
  CHECK(ws[0].severity == Severity::error);
  CHECK(ws[0].clause == "Test policy, 4");

  dir.write("t.json", pack_json("", R"( "extends": [{"pack": "nope", "clause": "c"}],)"));
  CHECK(
      PolicySet::load({dir.path()}).errors() ==
      std::vector<std::string>{(dir.path() / "t.json").string() +
                               ":1: extends 'nope': no shared pack 'nope' (rules/shared/nope.json) "
                               "in any rules directory"});
}

TEST_CASE("later rule directories replace packs with the same id", "[rules][search]") {
  TempDir installed, user;
  installed.write("t.json", pack_json(rule_json("a", R"({"phrases": ["alpha"]})")));
  user.write("t.json", pack_json(rule_json("b", R"({"phrases": ["beta"]})")));
  PolicySet set = PolicySet::load({installed.path(), user.path() / "missing", user.path()});
  REQUIRE(set.errors().empty());
  REQUIRE(set.policies().size() == 1);
  CHECK(set.find("t")->check("alpha beta", {}).at(0).rule == "t.b");
  CHECK(set.find("t")->info().path == (user.path() / "t.json").string());
}

TEST_CASE("a broken pack is reported and the others still load", "[rules][search]") {
  TempDir dir;
  dir.write(
      "good.json",
      R"({"format": 1, "id": "good", "kind": "policy", "name": "G", "source": "S", "rules": []})");
  dir.write("bad.json", "{");
  PolicySet set = PolicySet::load({dir.path()});
  CHECK(set.find("good") != nullptr);
  CHECK(set.find("bad") == nullptr);
  REQUIRE(set.errors().size() == 1);
  CHECK(set.errors()[0].starts_with((dir.path() / "bad.json").string() + ":1:2: invalid JSON"));
}

TEST_CASE("validate_rules_path checks a file, a directory and unused shared packs",
          "[rules][validate]") {
  TempDir dir;
  dir.write("t.json", pack_json(rule_json("a", R"({"phrases": ["alpha"]})")));
  dir.write("shared/unused.json", R"({"format": 1, "id": "unused", "kind": "shared", "name": "U",
    "rules": [{"id": "x", "category": "nope", "severity": "info", "message": "m", "suggestion": "s",
    "match": {"phrases": ["x"]}, "examples": {"trigger": ["x", "x x"], "clean": ["y", "z"]}}]})");
  CHECK(validate_rules_path(dir.path() / "t.json").empty());
  const std::vector<std::string> errors = validate_rules_path(dir.path());
  REQUIRE(errors.size() == 1);
  CHECK(errors[0] ==
        (dir.path() / "shared/unused.json").string() +
            ":2: rule 'x': unknown category 'nope' (confidentiality, endorsement, "
            "copyright, minor-consent, disclaimer, privacy, security, conduct, format)");
  CHECK(validate_rules_path(dir.path() / "nothing.json") ==
        std::vector<std::string>{(dir.path() / "nothing.json").string() +
                                 ": no such file or directory"});
}

TEST_CASE("a broken pack in a later directory leaves the earlier one in force", "[rules][search]") {
  TempDir installed, user;
  installed.write("t.json", pack_json(rule_json("a", R"({"phrases": ["alpha"]})")));
  user.write("t.json", "{ broken");
  PolicySet set = PolicySet::load({installed.path(), user.path()});
  REQUIRE(set.find("t") != nullptr);
  CHECK(set.find("t")->info().path == (installed.path() / "t.json").string());
  REQUIRE(set.errors().size() == 1);
  CHECK(set.errors()[0].starts_with((user.path() / "t.json").string() + ":1:3: invalid JSON"));
}

TEST_CASE("a number too large for a double is a JSON error, not a crash", "[rules][errors]") {
  // Found by tests/fuzz/rules_fuzz: nlohmann throws out_of_range, not parse_error, for it.
  CHECK(problems_of(R"({"format": 1e999})") ==
        std::vector<std::string>{"t.json: invalid JSON: a number is too large"});
}

TEST_CASE("wrongly typed pack fields are problems, not crashes", "[rules][errors]") {
  // Found by tests/fuzz/rules_fuzz.
  CHECK(problems_of(R"({"format": [1], "id": 7, "kind": {}, "name": "n", "source": "s"})") ==
        std::vector<std::string>{"t.json:1: \"format\" must be 1",
                                 "t.json:1: \"kind\" must be 'policy' here",
                                 "t.json:1: \"id\" must be a-z, 0-9 and '-'"});
}

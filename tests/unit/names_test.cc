// The "names" matcher: words spelled like names in what the user typed, which folding hides
// from every other matcher. Golden tests through a rule, as a rule author sees them.
#include <catch2/catch.hpp>

#include "test_support.h"
#include "utf.h"

using namespace postguard;
using postguard::testing::compile_text;
using postguard::testing::flagged;
using postguard::testing::pack_json;
using postguard::testing::rule_json;

namespace {

using Words = std::vector<std::string>;

std::shared_ptr<const Policy> rule(const std::string& match) {
  CompileResult r = compile_text(pack_json(rule_json("r", match)));
  INFO((r.problems.empty() ? "" : r.problems.front()));
  REQUIRE(r.policy);
  return r.policy;
}

}  // namespace

TEST_CASE("names: capitalised words inside a sentence, joined into one name", "[matchers][names]") {
  auto p = rule(R"({"names": true})");
  CHECK(flagged(*p, "in the end only Vardonia and Kessaria came back with a no") ==
        Words{"Vardonia", "Kessaria"});
  CHECK(flagged(*p, "freight forwarders, and Kestrel Cargo Solutions are the ones") ==
        Words{"Kestrel Cargo Solutions"});
  CHECK(flagged(*p, "Reach our convenor 📞 Mei-Lin Tsao, mtsao@x.example") == Words{"Mei-Lin Tsao"});
  CHECK(flagged(*p, "catching up with my mate Gareth Pryce, who leads it") ==
        Words{"Gareth Pryce"});
  // Accented and non-Latin capitals count; the span maps back to what was typed.
  CHECK(flagged(*p, "merci à Élodie pour la photo") == Words{"Élodie"});
}

TEST_CASE("names: a capital that only starts a sentence is not a name", "[matchers][names]") {
  auto p = rule(R"({"names": true})");
  CHECK(flagged(*p, "Great day. Thanks all! Honestly: Brilliant.\nSee you soon").empty());
  CHECK(flagged(*p, "👉 Register now").empty());
  CHECK(flagged(*p, "\"Quoted words\" are fine").empty());
  // ...unless a name follows it directly: the two are one name.
  CHECK(flagged(*p, "Kestrel Cargo is great") == Words{"Kestrel Cargo"});
}

TEST_CASE("names: a capital after a small letter is a name anywhere", "[matchers][names]") {
  auto p = rule(R"({"names": true})");
  CHECK(flagged(*p, "PrivaSafe is the one") == Words{"PrivaSafe"});
  CHECK(flagged(*p, "Honestly, LockBoxHR does it all") == Words{"LockBoxHR"});
  CHECK(flagged(*p, "iPhone users, update now") == Words{"iPhone"});
}

TEST_CASE("names: acronyms, shouting, 'I', hashtags and mentions are not names",
          "[matchers][names]") {
  auto p = rule(R"({"names": true})");
  CHECK(flagged(*p, "the ISO and IET vote went up AGAIN").empty());
  CHECK(flagged(*p, "so I think I'm right and I’d say so").empty());
  CHECK(flagged(*p, "thanks @BobSmith for #WorldRefugeeDay").empty());
  CHECK(flagged(*p, "all lower case, no names here").empty());
  CHECK(flagged(*p, "the IET's view and ISO’s reply").empty());
  CHECK(flagged(*p, "see you in March, or on Monday's call").empty());
}

TEST_CASE("names: a sentence-initial article or possessive does not join a title",
          "[matchers][names]") {
  auto p = rule(R"({"names": true})");
  CHECK(flagged(*p, "The Home Secretary should know") == Words{"Home Secretary"});
  CHECK(flagged(*p, "Our Chair said so") == Words{"Chair"});
}

TEST_CASE("names: inside near, a recommendation of a named brand", "[matchers][names]") {
  auto p = rule(R"({"near": [{"names": true}, {"phrases": ["is the one", "are the ones"]}],
                    "within": 3})");
  CHECK(flagged(*p, "Want privacy? PrivaSafe is the one.") == Words{"PrivaSafe is the one"});
  CHECK(flagged(*p, "honestly the blue one is the one").empty());
}

TEST_CASE("names: the matcher's value must be true", "[matchers][names]") {
  CHECK(compile_text(pack_json(rule_json("r", R"({"names": 1})"))).problems ==
        std::vector<std::string>{"t.json:1: rule 't.r': match: \"names\" must be true"});
}

#include "word_breaker.h"

#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "text_normalizer.h"

namespace postguard {
namespace {

std::vector<std::string> words_of(WordBreaker& wb, std::string_view text) {
  std::vector<std::string> out;
  for (const ByteRange r : wb.split(text)) {
    REQUIRE(r.begin < r.end);
    REQUIRE(r.end <= text.size());
    out.emplace_back(text.substr(r.begin, r.end - r.begin));
  }
  return out;
}

using Words = std::vector<std::string>;

TEST_CASE("apostrophes stay inside words, hyphens split them", "[words][text]") {
  WordBreaker wb;
  CHECK(words_of(wb, "don't") == Words{"don't"});
  CHECK(words_of(wb, "e-mail") == Words{"e", "mail"});
  CHECK(words_of(wb, fold("Don\u2019t e\u2013mail")) == Words{"don't", "e", "mail"});
  CHECK(words_of(wb, "l'ete") == Words{"l'ete"});
}

TEST_CASE("spaces, punctuation, symbols and emoji are not words", "[words][text]") {
  WordBreaker wb;
  CHECK(words_of(wb, "Hello, world!") == Words{"Hello", "world"});
  CHECK(words_of(wb, "a \U0001F44D\U0001F3FD b").size() == 2);
  CHECK(words_of(wb, "\U0001F468\u200D\U0001F469\u200D\U0001F467 \U0001F1EC\U0001F1E7").empty());
  CHECK(words_of(wb, " ... -- !? ").empty());
  CHECK(words_of(wb, "").empty());
}

TEST_CASE("numbers are words", "[words][text]") {
  WordBreaker wb;
  CHECK(words_of(wb, "on 3 May 2024") == Words{"on", "3", "May", "2024"});
  CHECK(words_of(wb, "pi is 3.14") == Words{"pi", "is", "3.14"});
  CHECK(words_of(wb, "ISO9001") == Words{"ISO9001"});
  CHECK(words_of(wb, "snake_case") == Words{"snake_case"});
}

TEST_CASE("CJK is split by dictionary into several words", "[words][text]") {
  WordBreaker wb;
  const std::string s = "\u56FD\u9645\u6807\u51C6\u5316\u7EC4\u7EC7";  // 国际标准化组织
  const std::vector<ByteRange> ws = wb.split(s);
  REQUIRE(ws.size() >= 2);
  // Words tile the text, each a whole number of 3-byte ideographs.
  uint32_t expected_begin = 0;
  for (const ByteRange r : ws) {
    CHECK(r.begin == expected_begin);
    CHECK((r.end - r.begin) % 3 == 0);
    expected_begin = r.end;
  }
  CHECK(expected_begin == s.size());
  // Japanese kana and Thai are words too.
  CHECK_FALSE(words_of(wb, "\u3072\u3089\u304C\u306A").empty());
  CHECK(words_of(wb, "\u0E20\u0E32\u0E29\u0E32\u0E44\u0E17\u0E22").size() >= 2);  // ภาษาไทย
}

TEST_CASE("ranges are byte offsets into the given text", "[words][text]") {
  WordBreaker wb;
  const std::string s = "\U0001F600 r\u00E9union \u56FD x";
  const std::vector<ByteRange> ws = wb.split(s);
  REQUIRE(ws.size() == 3);
  CHECK(ws[0] == ByteRange{5, 13});  // "réunion": after 4-byte emoji and a space
  CHECK(ws[1] == ByteRange{14, 17});
  CHECK(ws[2] == ByteRange{18, 19});
}

TEST_CASE("ICU's root rules: periods inside words, '@' as a letter", "[words][text]") {
  // Documented in word_breaker.h; if an ICU upgrade changes these, the header must change.
  WordBreaker wb;
  CHECK(words_of(wb, "U.S.A. and 1,000.50") == Words{"U.S.A", "and", "1,000.50"});
  CHECK(words_of(wb, "@user hi") == Words{"@user", "hi"});
  CHECK(words_of(wb, "jo@example.org") == Words{"jo@example.org"});
  CHECK(words_of(wb, "#tag") == Words{"tag"});
}

TEST_CASE("one breaker serves many texts", "[words][text]") {
  WordBreaker wb;
  for (int i = 0; i < 3; ++i) {
    std::string a = "first text here";  // dies before the next split
    CHECK(words_of(wb, a).size() == 3);
    CHECK(words_of(wb, "second").size() == 1);
    CHECK(wb.split("").empty());
  }
}

TEST_CASE("word breaking tolerates malformed UTF-8", "[words][text]") {
  WordBreaker wb;
  const std::string bad = "ab\xFF\xC3 cd\xED\xA0\x80";
  for (const ByteRange r : wb.split(bad)) {
    CHECK(r.begin < r.end);
    CHECK(r.end <= bad.size());
  }
}

}  // namespace
}  // namespace postguard

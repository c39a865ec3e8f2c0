#include "text_normalizer.h"

#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "utf.h"

namespace postguard {
namespace {

// The UTF-16 span in the original of the first occurrence of `needle` in the folded text.
Span span_of(const NormalizedText& t, std::string_view needle) {
  const size_t at = t.folded.find(needle);
  REQUIRE(at != std::string::npos);
  return t.to_source({static_cast<uint32_t>(at), static_cast<uint32_t>(at + needle.size())});
}

// The offset map's invariants, for any input.
void check_offset_map(std::string_view original, const NormalizedText& t) {
  REQUIRE(t.src_begin.size() == t.folded.size());
  REQUIRE(t.src_end.size() == t.folded.size());
  CHECK(t.source_utf16_length == utf::utf16_length(original));
  for (size_t i = 0; i < t.folded.size(); ++i) {
    INFO("byte " << i << " of \"" << t.folded << "\"");
    REQUIRE(t.src_begin[i] < t.src_end[i]);
    REQUIRE(t.src_end[i] <= t.source_utf16_length);
    if (i > 0) {
      REQUIRE(t.src_begin[i - 1] <= t.src_begin[i]);
      REQUIRE(t.src_end[i - 1] <= t.src_end[i]);
    }
    // A span always lands on code point boundaries of the original.
    REQUIRE(utf::byte_offset_of_utf16(original, t.src_begin[i]));
    REQUIRE(utf::byte_offset_of_utf16(original, t.src_end[i]));
  }
}

// The original text a span covers.
std::string source_text(std::string_view original, Span s) {
  const auto b = utf::byte_offset_of_utf16(original, s.start);
  const auto e = utf::byte_offset_of_utf16(original, s.end);
  REQUIRE(b);
  REQUIRE(e);
  return std::string(original.substr(*b, *e - *b));
}

struct SpanCase {
  const char* name;
  std::string original;
  std::string folded;
  std::string needle;  // searched in `folded`
  Span span;           // where `needle` comes from in `original`, in UTF-16
};

TEST_CASE("normalize maps matches on folded text back to whole original characters",
          "[normalize][text]") {
  const std::vector<SpanCase> cases = {
      {"ASCII, case folded",
       "Our CONFIDENTIAL draft",
       "our confidential draft",
       "confidential",
       {4, 16}},
      {"precomposed accent", "La r\u00E9union", "la reunion", "reunion", {3, 10}},
      {"combining accent joins its base", "La re\u0301union!", "la reunion!", "reunion", {3, 11}},
      {"accent on the last letter of a match", "cafe\u0301 ok", "cafe ok", "cafe", {0, 5}},
      {"emoji with skin tone",
       "\U0001F44D\U0001F3FD good",
       "\U0001F44D\U0001F3FD good",
       "good",
       {5, 9}},
      {"the skin-toned emoji itself",
       "ok \U0001F44D\U0001F3FD",
       "ok \U0001F44D\U0001F3FD",
       "\U0001F44D",
       {3, 7}},
      {"ZWJ family emoji before a match",
       "\U0001F468\u200D\U0001F469\u200D\U0001F467 Secret",
       "\U0001F468\u200D\U0001F469\u200D\U0001F467 secret",
       "secret",
       {9, 15}},
      {"part of a ZWJ family maps to all of it",
       "x\U0001F468\u200D\U0001F469\u200D\U0001F467",
       "x\U0001F468\u200D\U0001F469\u200D\U0001F467",
       "\U0001F469",
       {1, 9}},
      {"flags are pairs of regional indicators",
       "\U0001F1EC\U0001F1E7\U0001F1EB\U0001F1F7 Paris",
       "\U0001F1EC\U0001F1E7\U0001F1EB\U0001F1F7 paris",
       "\U0001F1EB\U0001F1F7",
       {4, 8}},
      {"CJK",
       "\u56FD\u9645\u6807\u51C6\u5316\u7EC4\u7EC7 ISO",
       "\u56FD\u9645\u6807\u51C6\u5316\u7EC4\u7EC7 iso",
       "\u6807\u51C6",
       {2, 4}},
      {"fullwidth",
       "\uFF23\uFF4F\uFF4E\uFF46\uFF49\uFF44\uFF45\uFF4E\uFF54\uFF49\uFF41\uFF4C!",
       "confidential!",
       "confidential",
       {0, 12}},
      {"Cyrillic look-alikes", "C\u043Enfid\u0435ntial", "confidential", "confidential", {0, 12}},
      {"surrogate pairs before the match",
       "\U0001F600\U0001F600 \U0001D41C\U0001D428 secret",
       "\U0001F600\U0001F600 co secret",
       "secret",
       {10, 16}},
      {"mathematical bold letters fold to ASCII",
       "\U0001D41C\U0001D428\U0001D427 x",
       "con x",
       "on",
       {2, 6}},
      {"sharp s becomes two bytes of one character", "Stra\u00DFe", "strasse", "ss", {4, 5}},
      {"ligature fi", "\uFB01nance", "finance", "finance", {0, 6}},
      {"zero-width space inside a word",
       "conf\u200Bidential",
       "confidential",
       "confidential",
       {0, 13}},
      {"soft hyphen inside a word", "confi\u00ADdential", "confidential", "dential", {6, 13}},
      {"word joiner and BOM dropped", "\uFEFFse\u2060cret", "secret", "secret", {1, 8}},
      {"ZWJ between letters joins the previous letter",
       "conf\u200Didential",
       "confidential",
       "conf",
       {0, 5}},
      {"Greek look-alikes", "\u039A\u03BF\u03C1 top", "kop top", "kop", {0, 3}},
      {"dotted capital I", "\u0130stanbul", "istanbul", "istanbul", {0, 8}},
  };
  for (const SpanCase& c : cases) {
    SECTION(c.name) {
      const NormalizedText t = normalize(c.original);
      CHECK(t.folded == c.folded);
      CHECK(span_of(t, c.needle) == c.span);
      check_offset_map(c.original, t);
    }
  }
}

TEST_CASE("a match inside one folded character maps to the whole character", "[normalize][text]") {
  const std::string s = "Stra\u00DFe";  // ß folds to "ss"
  const NormalizedText t = normalize(s);
  REQUIRE(t.folded == "strasse");
  CHECK(t.to_source({4, 5}) == Span{4, 5});  // first 's' of "ss"
  CHECK(t.to_source({5, 6}) == Span{4, 5});  // second 's' of "ss"
  CHECK(t.to_source({3, 5}) == Span{3, 5});

  const std::string lig = "\uFB01x";  // ﬁ folds to "fi"
  const NormalizedText l = normalize(lig);
  REQUIRE(l.folded == "fix");
  CHECK(l.to_source({1, 3}) == Span{0, 2});  // "ix" starts inside the ligature
}

TEST_CASE("every byte of an emoji maps to the whole emoji cluster", "[normalize][text]") {
  // 👍🏽: U+1F44D U+1F3FD, four UTF-16 units, eight bytes.
  const std::string s = "a\U0001F44D\U0001F3FDb";
  const NormalizedText t = normalize(s);
  REQUIRE(t.folded == s.substr(0, 1) + "\U0001F44D\U0001F3FD" + "b");
  for (uint32_t i = 1; i < 9; ++i) {
    CHECK(t.to_source({i, i + 1}) == Span{1, 5});
  }
  CHECK(t.to_source({0, 2}) == Span{0, 5});
  CHECK(t.to_source({8, 10}) == Span{1, 6});
}

TEST_CASE("ZWJ, variation selectors and tags stay inside emoji clusters", "[normalize][text]") {
  SECTION("ZWJ sequence with variation selector") {
    const std::string s = "\u2764\uFE0F\u200D\U0001F525 hot";  // ❤️‍🔥
    const NormalizedText t = normalize(s);
    CHECK(t.folded == s);
    CHECK(span_of(t, "\u2764") == Span{0, 5});
    CHECK(span_of(t, "\U0001F525") == Span{0, 5});
    CHECK(span_of(t, "hot") == Span{6, 9});
  }
  SECTION("tag sequence flag (England)") {
    const std::string s =
        "\U0001F3F4\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F go";
    const NormalizedText t = normalize(s);
    CHECK(t.folded == s);
    CHECK(span_of(t, "\U0001F3F4") == Span{0, 14});
    CHECK(span_of(t, "go") == Span{15, 17});
  }
  SECTION("keycap: the enclosing keycap is a dropped diacritic, the digit stays") {
    const std::string s = "1\uFE0F\u20E3 go";
    const NormalizedText t = normalize(s);
    CHECK(t.folded == "1 go");
    CHECK(span_of(t, "1") == Span{0, 3});
  }
  SECTION("a variation selector outside an emoji is dropped like other zero-width") {
    const NormalizedText t = normalize("a\uFE0Fb");
    CHECK(t.folded == "ab");
    CHECK(span_of(t, "a") == Span{0, 2});
  }
  SECTION("a standalone ZWJ produces nothing") {
    const NormalizedText t = normalize("a \u200D b");
    CHECK(t.folded == "a  b");
    CHECK(span_of(t, "b") == Span{4, 5});
  }
}

TEST_CASE("canonically equivalent spellings fold the same", "[normalize][text]") {
  CHECK(fold("r\u00E9union") == fold("re\u0301union"));
  CHECK(fold("\u00C5ngstr\u00F6m") == fold("A\u030Angstro\u0308m"));
  CHECK(fold("\u212B") == "a");  // ANGSTROM SIGN
  // Marks that are not diacritics are kept and recomposed across code points.
  CHECK(fold("\u304B\u3099") == "\u304C");  // か + voiced mark -> が
  CHECK(fold("\u304C") == "\u304C");
  CHECK(fold("\u1100\u1161\u11A8") == "\uAC01");  // conjoining jamo -> 각
  CHECK(fold("\uAC01") == "\uAC01");
  const NormalizedText t = normalize("x\u304B\u3099y");
  CHECK(t.folded == "x\u304Cy");
  CHECK(span_of(t, "\u304C") == Span{1, 3});
  CHECK(span_of(t, "y") == Span{3, 4});
}

TEST_CASE("case folding is full folding", "[normalize][text]") {
  CHECK(fold("STRASSE") == "strasse");
  CHECK(fold("Stra\u00DFe") == "strasse");
  CHECK(fold("\u1E9E") == "ss");  // capital sharp s
  CHECK(fold("\u0130") == "i");   // İ: folds to i + dot above, dot dropped
  CHECK(fold("\u03A3\u03C3\u03C2") == "\u03C3\u03C3\u03C3");  // Σσς
  CHECK(fold("\u00C9COLE") == "ecole");
}

TEST_CASE("look-alike letters from other scripts become Latin", "[normalize][text]") {
  // Every Cyrillic look-alike, lower and upper case.
  CHECK(fold("\u0430\u0435\u043E\u0440\u0441\u0443\u0445\u0456\u0458\u0455\u0501\u051B\u051D"
             "\u04BB\u04CF") == "aeopcyxijsdqwhl");
  CHECK(fold("\u0410\u0412\u0415\u041A\u041C\u041D\u041E\u0420\u0421\u0422\u0425") ==
        "abekmhopctx");
  CHECK(fold("\u0421\u041ENFIDENTIAL") == "confidential");
  CHECK(fold("\u041D\u0415\u041B\u041B\u041E") ==
        "he\u043B\u043Bo");                           // Н looks like H; Л like nothing
  CHECK(fold("\u0441\u043En\u0444") == "con\u0444");  // ф has no Latin twin: kept
  // Greek.
  CHECK(fold("\u03BF\u03B1\u03BD\u03B9\u03BA\u03C1\u03C4\u03C5\u03B5") == "oavikptue");
  CHECK(fold("\u0391\u0392\u0395\u0397\u0399\u039A\u039C\u039D\u039F\u03A1\u03A4\u03A7") ==
        "abehikmnoptx");
  // Cyrillic with a diacritic: the base is still a look-alike.
  CHECK(fold("\u0401") == "e");  // Ё
}

TEST_CASE("typographic punctuation, dashes and spaces are unified", "[normalize][text]") {
  CHECK(fold("don\u2019t \u2018x\u2019 \u02BC \u2032") == "don't 'x' ' '");
  CHECK(fold("\u201Cq\u201D \u00ABq\u00BB") == "\"q\" \"q\"");
  CHECK(fold("a\u2010b\u2011c\u2012d\u2013e\u2014f\u2015g") == "a-b-c-d-e-f-g");
  CHECK(fold("don\u00B4t") == "don't");  // acute accent used as an apostrophe
  // Every kind of space becomes ' '; tabs too. Line ends stay line ends.
  CHECK(fold("a\u00A0b\u2002c\u2003d\u2009e\u202Ff\u205Fg\u3000h\u1680i") == "a b c d e f g h i");
  CHECK(fold("a\tb\vc\fd") == "a b c d");
  CHECK(fold("a\nb\r\nc") == "a\nb\r\nc");
  CHECK(fold("a\u2028b\u2029c\u0085d") == "a\nb\nc\nd");
  // Spacing accents are kept as symbols rather than turned into spaces.
  CHECK(fold("\u00A8") == "\u00A8");
}

TEST_CASE("zero-width characters cannot split a word", "[normalize][text]") {
  for (const char* zw : {"\u200B", "\u200C", "\u2060", "\uFEFF", "\u00AD", "\u200E", "\u180E"}) {
    INFO("zero-width character " << zw);
    const std::string s = std::string("conf") + zw + "idential";
    const NormalizedText t = normalize(s);
    CHECK(t.folded == "confidential");
    const Span whole = span_of(t, "confidential");
    CHECK(whole == Span{0, 13});
    CHECK(source_text(s, whole) == s);
  }
  // Alone they leave nothing behind.
  const NormalizedText t = normalize("\u200B");
  CHECK(t.folded.empty());
  CHECK(t.source_utf16_length == 1);
}

TEST_CASE("emoji and pictographs are kept as written", "[normalize][text]") {
  CHECK(fold("\u2139\uFE0F") == "\u2139\uFE0F");  // ℹ️ is not the letter i
  CHECK(fold("\u2122 \u00A9 \u00AE") == "\u2122 \u00A9 \u00AE");
  CHECK(fold("\U0001F600") == "\U0001F600");
  CHECK(fold("\U0001F1FA\U0001F1F8") == "\U0001F1FA\U0001F1F8");
}

TEST_CASE("the header's example", "[normalize][text]") {
  const NormalizedText t = normalize("C\u043Enfidential \U0001F44D\U0001F3FD draft");
  CHECK(t.folded == "confidential \U0001F44D\U0001F3FD draft");
  CHECK(t.to_source({0, 12}) == Span{0, 12});
  CHECK(span_of(t, "draft") == Span{18, 23});
}

TEST_CASE("to_source clamps out-of-contract ranges instead of reading past the map",
          "[normalize][text]") {
  const NormalizedText t = normalize("ab\u00E9");
  REQUIRE(t.folded == "abe");
  CHECK(t.to_source({1, 1}) == Span{1, 1});  // empty: a position
  CHECK(t.to_source({3, 3}) == Span{3, 3});  // the end
  CHECK(t.to_source({2, 99}) == Span{2, 3});
  CHECK(t.to_source({99, 100}) == Span{2, 3});
  const NormalizedText empty = normalize("");
  CHECK(empty.folded.empty());
  CHECK(empty.to_source({0, 1}) == Span{0, 0});
}

TEST_CASE("fold is normalize without the map", "[normalize][text]") {
  for (const char* s : {"", "Hello", "C\u043Enfidential", "Stra\u00DFe \uFB01", "\u200B",
                        "\U0001F468\u200D\U0001F469\u200D\U0001F467", "\u304B\u3099",
                        "\uFF23\uFF4F\uFF4E", "a\u0301\u0302\u0303"}) {
    CHECK(fold(s) == normalize(s).folded);
  }
}

TEST_CASE("the offset map stays consistent on every prefix of mixed text", "[normalize][text]") {
  const std::string s =
      "Hi \U0001F44B\U0001F3FD! R\u00E9union, re\u0301union \u2013 \u201Cconf\u200Bidential\u201D "
      "\U0001F468\u200D\U0001F469\u200D\U0001F467 \U0001F1EC\U0001F1E7 \u56FD\u9645 \uFF23 "
      "\u0421\u043E \uFB01 \u00DF \u304B\u3099 \u1100\u1161 \U0001D41C\n\r\n\t";
  for (size_t n = 0; n <= s.size(); ++n) {
    const std::string_view prefix(s.data(), n);
    if (!utf::is_valid_utf8(prefix)) continue;
    INFO("prefix of " << n << " bytes");
    check_offset_map(prefix, normalize(prefix));
  }
}

TEST_CASE("a very long cluster is one character", "[normalize][text]") {
  // Linear work per cluster: 20,000 marks on one base must not take 20,000^2 steps.
  std::string s = "a";
  for (int i = 0; i < 20000; ++i) s += "\u3099";  // kept, not a dropped diacritic
  s += "b";
  const NormalizedText t = normalize(s);
  REQUIRE(t.folded.size() == 1 + 3 * 20000 + 1);
  CHECK(t.to_source({0, 1}) == Span{0, 20001});
  CHECK(t.to_source({60000, 60001}) == Span{0, 20001});
  CHECK(t.to_source({60001, 60002}) == Span{20001, 20002});
}

TEST_CASE("normalize does not crash on malformed UTF-8", "[normalize][text]") {
  // Out of contract, but a bad caller must not take the process down.
  for (const std::string& s :
       {std::string("\xFF\xFE"), std::string("a\xC3"), std::string("\xED\xA0\x80x"),
        std::string("\xF0\x9F\x98"), std::string("\x80\x80\x80"), std::string("e\xCC")}) {
    const NormalizedText t = normalize(s);
    CHECK(t.src_begin.size() == t.folded.size());
    CHECK(t.src_end.size() == t.folded.size());
  }
}

TEST_CASE("normalize is safe to call from several threads", "[normalize][text]") {
  const std::string s = "C\u043Enfidential r\u00E9union \U0001F44D\U0001F3FD \u56FD \u304B\u3099";
  const std::string expected = normalize(s).folded;
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (size_t k = 0; k < ok.size(); ++k) {
    threads.emplace_back([&, k] {
      int good = 1;
      for (int i = 0; i < 200; ++i) good &= static_cast<int>(normalize(s).folded == expected);
      ok[k] = good;
    });
  }
  for (std::thread& th : threads) th.join();
  for (int v : ok) CHECK(v == 1);
}

}  // namespace
}  // namespace postguard

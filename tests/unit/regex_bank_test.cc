// RegexBank on its own: screens, spans, refusals, and the work find_all() hands to RE2. RE2's
// time is linear in the bytes it is given, so "bytes searched per byte of post stays flat as
// the post grows" is the proof, without a clock, that a pattern cannot make a check quadratic.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "regex_bank.h"

using postguard::ByteRange;
using postguard::RegexBank;

namespace {

struct Found {
  std::vector<ByteRange> hits;
  size_t bytes_searched = 0;
};

Found find(const std::string& pattern, const std::string& text) {
  RegexBank bank;
  const postguard::Expected<int> id = bank.add(pattern);
  REQUIRE(id);
  REQUIRE(bank.compile());
  Found f;
  const RegexBank::Scan scan = bank.scan(text, bank.screens_of({*id}));
  f.hits = bank.find_all(scan, *id, text, &f.bytes_searched);
  return f;
}

std::string error_of(const std::string& pattern) {
  RegexBank bank;
  const postguard::Expected<int> id = bank.add(pattern);
  REQUIRE_FALSE(id);
  return id.error().message;
}

std::vector<ByteRange> each_byte(size_t n) {
  std::vector<ByteRange> out;
  for (uint32_t i = 0; i < n; ++i) out.push_back({i, i + 1});
  return out;
}

}  // namespace

TEST_CASE("regex bank: finds every non-empty match, case-insensitively", "[regex]") {
  CHECK(find("\\bnb\\b", "the NB voted; nb again, but not nbs").hits ==
        std::vector<ByteRange>{{4, 6}, {14, 16}});
  // Empty matches underline nothing and move on by a whole character, never splitting é.
  CHECK(find("x*", "éxé").hits == std::vector<ByteRange>{{2, 3}});
  CHECK(find("secret", "nothing here").hits.empty());
}

TEST_CASE("regex bank: the same pattern is stored once", "[regex]") {
  RegexBank bank;
  const postguard::Expected<int> a = bank.add("draft");
  const postguard::Expected<int> b = bank.add("draft");
  REQUIRE(a);
  REQUIRE(b);
  CHECK(*a == *b);
  CHECK(bank.size() == 1);
}

TEST_CASE("regex bank: a scan runs only the screens it is given", "[regex]") {
  RegexBank bank;
  const postguard::Expected<int> first = bank.add("alpha");
  bank.start_screen();
  const postguard::Expected<int> second = bank.add("beta");
  REQUIRE(first);
  REQUIRE(second);
  REQUIRE(bank.compile());
  const std::string text = "alpha beta";
  const RegexBank::Scan only_second = bank.scan(text, bank.screens_of({*second}));
  CHECK_FALSE(only_second.matched[static_cast<size_t>(*first)]);
  CHECK(bank.find_all(only_second, *first, text).empty());
  CHECK(bank.find_all(only_second, *second, text) == std::vector<ByteRange>{{6, 10}});
}

TEST_CASE("regex bank: patterns RE2 cannot run safely are refused with a reason", "[regex]") {
  CHECK(error_of("(a)\\1") ==
        "regex does not compile: invalid escape sequence: \\1 (back-references are not supported)");
  CHECK(error_of(std::string(2001, 'a')) == "regex is longer than 2000 bytes");
  CHECK(error_of("[\\p{L}]{1000}").rfind("regex is too complex: it compiles to ", 0) == 0);
}

TEST_CASE("regex bank: searching stays linear in the post for patterns that look far ahead",
          "[regex][hostile]") {
  // Each 'a' is a match, but deciding that no 'z' follows means reading to the end of the
  // post: searched one after another without windows, that is n²/2 bytes.
  const std::string look_ahead = "a(?:[^z]*z)?";
  // Many hits, each with a longer alternative that never completes.
  const std::string long_alternative = "x[^!]*!|x";
  for (const std::string& pattern : {look_ahead, long_alternative}) {
    std::vector<double> per_byte;
    for (size_t n : {4000, 16000, 64000}) {
      const std::string text(n, pattern == look_ahead ? 'a' : 'x');
      const Found f = find(pattern, text);
      CHECK(f.hits == each_byte(n));
      per_byte.push_back(static_cast<double>(f.bytes_searched) / static_cast<double>(n));
    }
    INFO(pattern << ": bytes searched per byte of post at 4k, 16k, 64k: " << per_byte[0] << ", "
                 << per_byte[1] << ", " << per_byte[2]);
    // Quadratic would be 16 times more per byte at 64k than at 4k; each search here looks at
    // one window of a little over kSearchWindowBytes.
    CHECK(per_byte[2] <= 1.25 * per_byte[0]);
    CHECK(per_byte[2] <= 2.0 * RegexBank::kSearchWindowBytes);
  }
}

TEST_CASE("regex bank: hits spread over a long post are found at the cost of one pass",
          "[regex][hostile]") {
  std::string text;
  std::vector<ByteRange> expected;
  while (text.size() < 60000) {
    text += std::string(997, '.');
    expected.push_back(
        {static_cast<uint32_t>(text.size()), static_cast<uint32_t>(text.size() + 2)});
    text += "nb ";
  }
  const Found f = find("\\bnb\\b", text);
  CHECK(f.hits == expected);
  // The first kExactSearches look at the rest of the post; the others at windows that follow
  // the hits' spacing, so the total stays a small multiple of the length.
  CHECK(f.bytes_searched <= (RegexBank::kExactSearches + 4) * text.size());
}

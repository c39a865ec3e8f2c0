#include "twitter_length.h"

#include <catch2/catch.hpp>

#include <string>

namespace postguard {
namespace {

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

const std::string kFamily =
    "\U0001F468\u200D\U0001F469\u200D\U0001F467";  // 👨‍👩‍👧, 8 UTF-16 units
const std::string kIdeograph = "\u56FD";           // 国, 1 unit, weight 2

TEST_CASE("ASCII weighs one per character", "[twitter][text]") {
  const TwitterLength fits = twitter_length(std::string(280, 'a'), 280);
  CHECK(fits.weighted == 280);
  CHECK_FALSE(fits.overflow_start);

  const TwitterLength over = twitter_length(std::string(281, 'a'), 280);
  CHECK(over.weighted == 281);
  REQUIRE(over.overflow_start);
  CHECK(*over.overflow_start == 280);

  CHECK(twitter_length("", 280).weighted == 0);
  CHECK_FALSE(twitter_length("", 280).overflow_start);
  CHECK(*twitter_length("hello", 3).overflow_start == 3);
  CHECK(*twitter_length("hello", 0).overflow_start == 0);
}

TEST_CASE("CJK weighs two per character", "[twitter][text]") {
  const TwitterLength fits = twitter_length(repeat(kIdeograph, 140), 280);
  CHECK(fits.weighted == 280);
  CHECK_FALSE(fits.overflow_start);

  const TwitterLength over = twitter_length(repeat(kIdeograph, 141), 280);
  CHECK(over.weighted == 282);
  CHECK(*over.overflow_start == 140);

  // 100 ideographs (weight 200, 100 UTF-16 units), then 81 ASCII: the 81st overflows.
  const TwitterLength mixed = twitter_length(repeat(kIdeograph, 100) + std::string(81, 'x'), 280);
  CHECK(mixed.weighted == 281);
  CHECK(*mixed.overflow_start == 180);
}

TEST_CASE("the weight-1 ranges of the v3 configuration", "[twitter][text]") {
  CHECK(twitter_length("\u10FF", 280).weighted == 1);                // 4351, last of 0-4351
  CHECK(twitter_length("\u1100", 280).weighted == 2);                // 4352
  CHECK(twitter_length("\u2000\u200D", 280).weighted == 2);          // 8192, 8205
  CHECK(twitter_length("\u200E\u200F", 280).weighted == 4);          // 8206, 8207: weight 2
  CHECK(twitter_length("\u2010\u201F", 280).weighted == 2);          // 8208, 8223
  CHECK(twitter_length("\u2020", 280).weighted == 2);                // 8224
  CHECK(twitter_length("\u2032\u2037", 280).weighted == 2);          // 8242, 8247
  CHECK(twitter_length("\u2038", 280).weighted == 2);                // 8248
  CHECK(twitter_length("r\u00E9union \u20AC", 280).weighted == 10);  // é 1, € 2
}

TEST_CASE("an emoji sequence weighs two", "[twitter][text]") {
  CHECK(twitter_length(kFamily, 280).weighted == 2);
  CHECK(twitter_length("\U0001F600", 280).weighted == 2);
  CHECK(twitter_length("\U0001F44D\U0001F3FD", 280).weighted == 2);  // with skin tone
  CHECK(twitter_length("\U0001F1EC\U0001F1E7", 280).weighted == 2);  // flag
  CHECK(twitter_length("1\uFE0F\u20E3", 280).weighted == 2);         // keycap
  CHECK(twitter_length("\u2764\uFE0F", 280).weighted == 2);          // ❤️
  CHECK(twitter_length("\U0001F3F4\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F",
                       280)
            .weighted == 2);  // England flag tag sequence
  // Text-style pictographs count as the characters they are.
  CHECK(twitter_length("\u00A9", 280).weighted == 1);
  CHECK(twitter_length("\u00A9\uFE0F", 280).weighted == 2);

  // 10 families: weight 20, 80 UTF-16 units; then 261 ASCII: the 261st overflows.
  const TwitterLength t = twitter_length(repeat(kFamily, 10) + std::string(261, 'a'), 280);
  CHECK(t.weighted == 281);
  CHECK(*t.overflow_start == 340);
  // An emoji that crosses the limit overflows at its start.
  const TwitterLength e = twitter_length(std::string(279, 'a') + kFamily, 280);
  CHECK(e.weighted == 281);
  CHECK(*e.overflow_start == 279);
}

TEST_CASE("a link weighs 23 whatever its length", "[twitter][text]") {
  const std::string url60 = "https://example.com/" + std::string(40, 'p');
  REQUIRE(url60.size() == 60);
  CHECK(twitter_length(url60, 280).weighted == 23);
  CHECK(twitter_length("see " + url60 + ".", 280).weighted == 4 + 23 + 1);
  CHECK(twitter_length("iso.org/x", 280).weighted == 23);  // bare domain
  CHECK(twitter_length("HTTPS://EXAMPLE.COM", 280).weighted == 23);
  CHECK(twitter_length("x.co y.co", 280).weighted == 23 + 1 + 23);
  // The link that crosses the limit overflows at its start, in original UTF-16 units.
  const TwitterLength t = twitter_length(std::string(270, 'a') + " " + url60, 280);
  CHECK(t.weighted == 294);
  CHECK(*t.overflow_start == 271);
  const TwitterLength u = twitter_length(kFamily + std::string(269, 'a') + " " + url60, 280);
  CHECK(u.weighted == 2 + 269 + 1 + 23);
  CHECK(*u.overflow_start == 8 + 270);
  // E-mail addresses are not links.
  CHECK(twitter_length("jo@example.org", 280).weighted == 14);
}

TEST_CASE("text is measured after NFC", "[twitter][text]") {
  CHECK(twitter_length("e\u0301", 280).weighted == 1);       // é in two code points
  CHECK(twitter_length("\u212B", 280).weighted == 1);        // ANGSTROM SIGN -> Å (U+00C5)
  CHECK(twitter_length("\u1100\u1161", 280).weighted == 2);  // jamo -> one syllable 가
  // 279 'a', then 'e' + U+0301: 280 after NFC, so it fits.
  CHECK_FALSE(twitter_length(std::string(279, 'a') + "e\u0301", 280).overflow_start);
  // A combining mark sticks to its base: the overflow is at the base.
  const TwitterLength t = twitter_length(std::string(280, 'a') + "e\u0301", 280);
  CHECK(t.weighted == 281);
  CHECK(*t.overflow_start == 280);
}

TEST_CASE("twitter_length tolerates malformed UTF-8", "[twitter][text]") {
  for (const std::string& s : {std::string("\xFF"), std::string("a\xC3"), std::string("\xF0\x9F"),
                               std::string("\xED\xA0\x80")}) {
    const TwitterLength t = twitter_length(s, 280);
    CHECK(t.weighted >= 1);
  }
}

}  // namespace
}  // namespace postguard

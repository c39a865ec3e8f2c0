#include "utf.h"

#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace postguard::utf {
namespace {

std::string bytes(std::initializer_list<int> bs) {
  std::string s;
  for (int b : bs) s.push_back(static_cast<char>(b));
  return s;
}

TEST_CASE("is_valid_utf8 accepts well-formed text at every length boundary", "[utf][text]") {
  CHECK(is_valid_utf8(""));
  CHECK(is_valid_utf8("plain ascii\n"));
  CHECK(is_valid_utf8("r\xC3\xA9union"));                 // é
  CHECK(is_valid_utf8("\xE2\x82\xAC"));                   // €
  CHECK(is_valid_utf8("\xF0\x9F\x98\x80"));               // 😀
  CHECK(is_valid_utf8(bytes({0x7F})));                    // U+007F
  CHECK(is_valid_utf8(bytes({0xC2, 0x80})));              // U+0080
  CHECK(is_valid_utf8(bytes({0xDF, 0xBF})));              // U+07FF
  CHECK(is_valid_utf8(bytes({0xE0, 0xA0, 0x80})));        // U+0800
  CHECK(is_valid_utf8(bytes({0xED, 0x9F, 0xBF})));        // U+D7FF, last before the surrogates
  CHECK(is_valid_utf8(bytes({0xEE, 0x80, 0x80})));        // U+E000, first after them
  CHECK(is_valid_utf8(bytes({0xEF, 0xBF, 0xBF})));        // U+FFFF
  CHECK(is_valid_utf8(bytes({0xF0, 0x90, 0x80, 0x80})));  // U+10000
  CHECK(is_valid_utf8(bytes({0xF4, 0x8F, 0xBF, 0xBF})));  // U+10FFFF
  CHECK(is_valid_utf8(std::string_view("a\0b", 3)));      // NUL is a character like any other
}

TEST_CASE("is_valid_utf8 rejects overlongs, surrogates, out-of-range and truncation",
          "[utf][text]") {
  // Overlong encodings.
  CHECK_FALSE(is_valid_utf8(bytes({0xC0, 0x80})));
  CHECK_FALSE(is_valid_utf8(bytes({0xC1, 0xBF})));
  CHECK_FALSE(is_valid_utf8(bytes({0xE0, 0x80, 0x80})));
  CHECK_FALSE(is_valid_utf8(bytes({0xE0, 0x9F, 0xBF})));
  CHECK_FALSE(is_valid_utf8(bytes({0xF0, 0x80, 0x80, 0x80})));
  CHECK_FALSE(is_valid_utf8(bytes({0xF0, 0x8F, 0xBF, 0xBF})));
  // UTF-16 surrogates D800-DFFF encoded as UTF-8.
  CHECK_FALSE(is_valid_utf8(bytes({0xED, 0xA0, 0x80})));
  CHECK_FALSE(is_valid_utf8(bytes({0xED, 0xBF, 0xBF})));
  CHECK_FALSE(is_valid_utf8(bytes({0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80})));  // CESU-8 😀
  // Above U+10FFFF.
  CHECK_FALSE(is_valid_utf8(bytes({0xF4, 0x90, 0x80, 0x80})));
  CHECK_FALSE(is_valid_utf8(bytes({0xF5, 0x80, 0x80, 0x80})));
  CHECK_FALSE(is_valid_utf8(bytes({0xFF})));
  CHECK_FALSE(is_valid_utf8(bytes({0xFE})));
  // Truncated sequences, at the end and in the middle.
  CHECK_FALSE(is_valid_utf8(bytes({0xC3})));
  CHECK_FALSE(is_valid_utf8(bytes({0xE2, 0x82})));
  CHECK_FALSE(is_valid_utf8(bytes({0xF0, 0x9F, 0x98})));
  CHECK_FALSE(is_valid_utf8(bytes({0xF0, 0x9F, 0x98, 'a'})));
  CHECK_FALSE(is_valid_utf8(bytes({0xE2, 0x28, 0xA1})));
  CHECK_FALSE(is_valid_utf8(bytes({0xC3, 'A'})));
  // Continuation bytes with no lead.
  CHECK_FALSE(is_valid_utf8(bytes({0x80})));
  CHECK_FALSE(is_valid_utf8(bytes({'a', 0xBF, 'b'})));
}

TEST_CASE("every scalar value round-trips through append_utf8 and next_code_point", "[utf][text]") {
  std::string s;
  for (char32_t c = 0; c <= 0x10FFFF; ++c) {
    if (c >= 0xD800 && c <= 0xDFFF) continue;
    s.clear();
    append_utf8(s, c);
    if (!is_valid_utf8(s)) FAIL("invalid encoding of U+" << std::hex << static_cast<uint32_t>(c));
    size_t i = 0;
    const char32_t back = next_code_point(s, i);
    if (back != c || i != s.size())
      FAIL("no round trip for U+" << std::hex << static_cast<uint32_t>(c));
    const uint32_t expected16 = c >= 0x10000 ? 2 : 1;
    if (utf16_length(s) != expected16)
      FAIL("utf16_length of U+" << std::hex << static_cast<uint32_t>(c));
  }
  SUCCEED();
}

TEST_CASE("append_utf8 writes U+FFFD for what UTF-8 cannot encode", "[utf][text]") {
  std::string s;
  append_utf8(s, 0xD800);
  CHECK(s == "\xEF\xBF\xBD");
  s.clear();
  append_utf8(s, 0x110000);
  CHECK(s == "\xEF\xBF\xBD");
}

TEST_CASE("next_code_point never reads past the end of malformed input", "[utf][text]") {
  const std::string bad = bytes({0xF0, 0x9F, 'a', 0xC3});
  size_t i = 0;
  CHECK(next_code_point(bad, i) == 0xFFFD);
  CHECK(i == 1);
  CHECK(next_code_point(bad, i) == 0xFFFD);
  CHECK(i == 2);
  CHECK(next_code_point(bad, i) == 'a');
  CHECK(next_code_point(bad, i) == 0xFFFD);  // truncated 2-byte sequence at the end
  CHECK(i == 4);
  CHECK(next_code_point(bad, i) == 0);  // at the end: nothing to decode, i unchanged
  CHECK(i == 4);
}

TEST_CASE("utf16_length counts surrogate pairs twice", "[utf][text]") {
  CHECK(utf16_length("") == 0);
  CHECK(utf16_length("abc") == 3);
  CHECK(utf16_length("r\xC3\xA9union") == 7);
  CHECK(utf16_length("\xE5\x9B\xBD") == 1);                       // 国
  CHECK(utf16_length("\xF0\x9F\x98\x80") == 2);                   // 😀
  CHECK(utf16_length("a\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD") == 5);  // a👍🏽
}

TEST_CASE("byte_offset_of_utf16 maps code point starts and the end only", "[utf][text]") {
  const std::string s =
      "a\xF0\x9F\x98\x80"
      "b\xC3\xA9";  // a😀bé: UTF-16 a=0 😀=1,2 b=3 é=4
  CHECK(byte_offset_of_utf16(s, 0) == 0u);
  CHECK(byte_offset_of_utf16(s, 1) == 1u);
  CHECK_FALSE(byte_offset_of_utf16(s, 2));  // low surrogate of 😀
  CHECK(byte_offset_of_utf16(s, 3) == 5u);
  CHECK(byte_offset_of_utf16(s, 4) == 6u);
  CHECK(byte_offset_of_utf16(s, 5) == s.size());  // the end, for exclusive span ends
  CHECK_FALSE(byte_offset_of_utf16(s, 6));
  CHECK(byte_offset_of_utf16("", 0) == 0u);
  CHECK_FALSE(byte_offset_of_utf16("", 1));
}

}  // namespace
}  // namespace postguard::utf

TEST_CASE("first_invalid_utf8 points at the start of the first bad sequence", "[utf]") {
  CHECK_FALSE(postguard::utf::first_invalid_utf8("ok é 😀").has_value());
  CHECK(postguard::utf::first_invalid_utf8("ab\xFF") == std::optional<size_t>(2));
  CHECK(postguard::utf::first_invalid_utf8("é\xED\xA0\x80") ==
        std::optional<size_t>(2));                                                     // surrogate
  CHECK(postguard::utf::first_invalid_utf8("x\xE2\x82") == std::optional<size_t>(1));  // cut short
  CHECK(postguard::utf::first_invalid_utf8("\xC0\xAF") == std::optional<size_t>(0));   // overlong
}

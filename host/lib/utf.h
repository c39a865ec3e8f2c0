// Small UTF-8 / UTF-16 helpers shared by the text engine, the protocol and the CLI.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace postguard::utf {

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool is_valid_utf8(std::string_view s);

// Byte offset where the first ill-formed sequence of `s` starts, or std::nullopt when `s` is
// well-formed UTF-8 (the same rules as is_valid_utf8).
std::optional<size_t> first_invalid_utf8(std::string_view s);

// Number of UTF-16 code units `s` (valid UTF-8) takes.
uint32_t utf16_length(std::string_view s);

// Decodes the code point at s[i] (valid UTF-8) and advances i past it. Never reads past the
// end: a malformed byte decodes as U+FFFD and advances by one; i >= s.size() returns 0.
char32_t next_code_point(std::string_view s, size_t& i);

// Appends the UTF-8 encoding of `c` to `out`.
void append_utf8(std::string& out, char32_t c);

// Byte offset in `s` (valid UTF-8) of the code point that starts at UTF-16 offset `u16`,
// or std::nullopt when u16 is past the end or falls inside a surrogate pair. The end itself
// (u16 == utf16_length(s)) maps to s.size(), so exclusive span ends convert too.
std::optional<size_t> byte_offset_of_utf16(std::string_view s, uint32_t u16);

}  // namespace postguard::utf

#include "utf.h"

namespace postguard::utf {

namespace {

bool is_continuation(unsigned char b) { return (b & 0xC0) == 0x80; }

}  // namespace

std::optional<size_t> first_invalid_utf8(std::string_view s) {
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) {
      ++i;
      continue;
    }
    // Table 3-7 of the Unicode standard: the second byte's range depends on the lead byte,
    // which is what rules out overlongs (E0 80..9F, F0 80..8F), surrogates (ED A0..BF)
    // and code points above U+10FFFF (F4 90..BF, F5..FF).
    size_t len = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      len = 2;
    } else if (b0 == 0xE0) {
      len = 3;
      lo = 0xA0;
    } else if (b0 == 0xED) {
      len = 3;
      hi = 0x9F;
    } else if (b0 >= 0xE1 && b0 <= 0xEF) {
      len = 3;
    } else if (b0 == 0xF0) {
      len = 4;
      lo = 0x90;
    } else if (b0 >= 0xF1 && b0 <= 0xF3) {
      len = 4;
    } else if (b0 == 0xF4) {
      len = 4;
      hi = 0x8F;
    } else {
      return i;  // stray continuation byte, C0/C1 overlong lead, or F5..FF
    }
    if (n - i < len) return i;
    const auto b1 = static_cast<unsigned char>(s[i + 1]);
    if (b1 < lo || b1 > hi) return i;
    for (size_t k = 2; k < len; ++k) {
      if (!is_continuation(static_cast<unsigned char>(s[i + k]))) return i;
    }
    i += len;
  }
  return std::nullopt;
}

bool is_valid_utf8(std::string_view s) { return !first_invalid_utf8(s); }

uint32_t utf16_length(std::string_view s) {
  // Every code point starts with a non-continuation byte and 4-byte sequences (lead F0..F4)
  // need a surrogate pair, so counting bytes is enough; no decoding needed.
  uint32_t n = 0;
  for (char c : s) {
    const auto b = static_cast<unsigned char>(c);
    if (!is_continuation(b)) n += (b >= 0xF0) ? 2U : 1U;
  }
  return n;
}

char32_t next_code_point(std::string_view s, size_t& i) {
  const size_t n = s.size();
  if (i >= n) return 0;
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  // Defensive on malformed input (the contract says valid UTF-8, but a crash is never the
  // answer): anything that does not decode yields U+FFFD and consumes one byte.
  size_t len = 0;
  char32_t c = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
    c = b0 & 0x1FU;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    c = b0 & 0x0FU;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    c = b0 & 0x07U;
  } else {
    ++i;
    return 0xFFFD;
  }
  if (n - i < len) {
    ++i;
    return 0xFFFD;
  }
  for (size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if (!is_continuation(b)) {
      ++i;
      return 0xFFFD;
    }
    c = (c << 6) | (b & 0x3FU);
  }
  i += len;
  return c;
}

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    if (c >= 0xD800 && c <= 0xDFFF) c = 0xFFFD;  // a lone surrogate has no UTF-8 form
    out.push_back(static_cast<char>(0xE0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c <= 0x10FFFF) {
    out.push_back(static_cast<char>(0xF0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    append_utf8(out, 0xFFFD);
  }
}

std::optional<size_t> byte_offset_of_utf16(std::string_view s, uint32_t u16) {
  uint32_t pos = 0;
  size_t i = 0;
  while (i < s.size()) {
    if (pos == u16) return i;
    if (pos > u16) return std::nullopt;  // u16 pointed at the low half of a surrogate pair
    const auto b = static_cast<unsigned char>(s[i]);
    const size_t start = i;
    next_code_point(s, i);
    // A 4-byte sequence is the only thing that becomes a surrogate pair.
    pos += (b >= 0xF0 && i - start == 4) ? 2U : 1U;
  }
  // The end of the text is a valid position (an exclusive span end can point there).
  if (pos == u16) return s.size();
  return std::nullopt;
}

}  // namespace postguard::utf

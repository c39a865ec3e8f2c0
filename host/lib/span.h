#pragma once

#include <cstdint>

namespace postguard {

// A half-open range [start, end) in UTF-16 code units of the user's original text,
// which is what JavaScript string indices count.
struct Span {
  uint32_t start = 0;
  uint32_t end = 0;
  friend bool operator==(const Span&, const Span&) = default;
};

// A half-open range [begin, end) in bytes of a NormalizedText's folded UTF-8.
struct ByteRange {
  uint32_t begin = 0;
  uint32_t end = 0;
  friend bool operator==(const ByteRange&, const ByteRange&) = default;
};

}  // namespace postguard

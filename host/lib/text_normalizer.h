// Folds a post once so every matcher can compare against it cheaply, and keeps the way back.
//
// Folding: Unicode case folding; compatibility decomposition (fullwidth "ｃｏｎｆｉｄｅｎｔｉａｌ"
// becomes "confidential", ligatures split); accents and other combining diacritics dropped
// ("réunion" -> "reunion"); look-alike letters from other scripts mapped to the Latin letter
// they imitate (Cyrillic "о" in "cоnfidential"); typographic apostrophes and dashes unified
// ("’" -> "'", "–" -> "-"); zero-width characters and soft hyphens dropped so they cannot split
// a word; every kind of space becomes ' '.
//
//   NormalizedText t = normalize(u8"Cоnfidential 👍🏽 draft");
//   t.folded                      == "confidential 👍🏽 draft"
//   t.to_source({0, 12})          == Span{0, 12}   // UTF-16 offsets in the original
//
// Each byte of `folded` remembers the UTF-16 range of the user-perceived character
// (grapheme cluster: base + combining marks, emoji + modifiers/ZWJ sequences, flag pairs)
// it came from, so a match on folded text maps back to whole characters, never half of one.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "span.h"

namespace postguard {

struct NormalizedText {
  std::string folded;                // folded text, UTF-8
  std::vector<uint32_t> src_begin;   // per byte of `folded`: UTF-16 start of its source cluster
  std::vector<uint32_t> src_end;     // per byte of `folded`: UTF-16 end of its source cluster
  uint32_t source_utf16_length = 0;  // length of the original text in UTF-16 code units

  // Maps a non-empty byte range of `folded` to the UTF-16 span of the original text.
  Span to_source(ByteRange r) const;
};

// `utf8` must be valid UTF-8 (callers validate at the boundary).
NormalizedText normalize(std::string_view utf8);

// The same folding without the offset map, for rule phrases at load time.
std::string fold(std::string_view utf8);

}  // namespace postguard

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
//
// The details, all tested in tests/unit/text_normalizer_test.cc:
// - ASCII takes a fast path (lowercase; tab, VT and FF become ' '). '\n' and '\r' stay, and
//   U+2028, U+2029 and U+0085 become '\n', so line-based rules still see lines.
// - Other code points: NFKD, look-alike capitals mapped (Cyrillic "Н" -> "H": after case
//   folding "н" would no longer look like anything Latin), full case folding ("ß" -> "ss"),
//   diacritics in U+0300-036F, 1AB0-1AFF, 1DC0-1DFF, 20D0-20FF, FE20-FE2F dropped, NFC,
//   then small look-alikes (Cyrillic/Greek/Armenian "о" "ο" "օ" -> "o") and punctuation.
//   A cluster whose remaining marks compose with their base ("か" + U+3099) is recomposed,
//   so canonically equivalent spellings fold the same.
// - Emoji, pictographs (also "©", "™", "ℹ") and regional indicators are kept as written,
//   with their ZWJs, variation selectors and tag characters. Elsewhere every
//   Default_Ignorable code point (ZWSP, ZWNJ, ZWJ, word joiner, BOM, soft hyphen, bidi marks,
//   variation selectors) is dropped.
// - Clusters follow UAX #29 (grapheme.h), except that "\r\n" maps as two characters. A
//   dropped code point inside a cluster still widens the cluster's span ("e" + U+0301 maps
//   to both); a dropped cluster of its own (ZWSP between letters) produces no bytes, so a
//   match across it spans both neighbours and the ZWSP between them.
// - Results for non-ASCII code points are cached per thread, so ICU is asked once per
//   distinct code point; normalize() and fold() are safe to call from any thread.
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

  // Maps a non-empty byte range of `folded` to the UTF-16 span of the original text:
  // {src_begin[r.begin], src_end[r.end - 1]}. Out-of-contract ranges are clamped, never
  // trusted: an empty range maps to the empty span at its position (the source length at or
  // past the end), and an end past folded.size() is cut there.
  Span to_source(ByteRange r) const;
};

// `utf8` must be valid UTF-8 (callers validate at the boundary); malformed bytes are read as
// U+FFFD rather than trusted, so bad input gives a wrong answer but never a crash.
NormalizedText normalize(std::string_view utf8);

// The same folding without the offset map, for rule phrases at load time.
std::string fold(std::string_view utf8);

}  // namespace postguard

// Post length as X/Twitter counts it (twitter-text v3 weighting): code points in the
// Latin-1, general punctuation and similar ranges weigh 1, every other code point 2 (CJK
// counts double), an emoji sequence (with modifiers, ZWJ joins, flags) weighs 2 in all,
// and every link weighs 23 whatever its length. Text is measured after NFC.
//
// Details: weight 1 means code points 0-4351, 8192-8205, 8208-8223 and 8242-8247 (v3 config).
// Links are what find_entities() reports as urls, found on the original text (its link
// finder is ASCII case-insensitive); e-mail addresses are not links. An emoji cluster is a
// flag (regional indicator pair), a keycap, or a pictograph with emoji presentation or with
// VS16, a skin tone or a ZWJ join; a text-style pictograph ("©" alone) weighs as its code
// point. NFC is applied per grapheme cluster of the original, which is the same as on the
// whole text because NFC never composes across clusters, and keeps every overflow offset
// in the original's UTF-16 units.
//
//   TwitterLength n = twitter_length(text_utf8, 280);
//   n.weighted == 123; n.overflow_start == std::nullopt     // fits
//   // otherwise overflow_start is the UTF-16 offset of the first character past the limit
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace postguard {

struct TwitterLength {
  int weighted = 0;
  // UTF-16 offset in the original where the limit is passed (the first unit that overflows).
  std::optional<uint32_t> overflow_start;
};

TwitterLength twitter_length(std::string_view original_utf8, int limit);

}  // namespace postguard

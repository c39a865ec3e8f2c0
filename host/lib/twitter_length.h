// Post length as X/Twitter counts it (twitter-text v3 weighting): code points in the
// Latin-1, general punctuation and similar ranges weigh 1, every other code point 2 (CJK
// counts double), an emoji sequence (with modifiers, ZWJ joins, flags) weighs 2 in all,
// and every link weighs 23 whatever its length. Text is measured after NFC.
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
  std::optional<uint32_t> overflow_start;  // UTF-16 offset in the original where the limit is passed
};

TwitterLength twitter_length(std::string_view original_utf8, int limit);

}  // namespace postguard

// The social-media entities of a post: #hashtags, @mentions and links, found on folded text.
//
//   Entities e = find_entities(t.folded);
//   e.hashtags[0]  -> byte range of "#openstandards" (with the '#')
//
// Hashtags: '#' (or fullwidth '＃', already folded) not preceded by a letter, digit or '&',
// followed by letters, marks, digits or '_' with at least one non-digit.
// Mentions: '@' not preceded by a letter, digit or '_' (so e-mail addresses are not mentions),
// followed by 1-15 of [a-z0-9_] (Twitter's handle rule) and, for LinkedIn/Facebook pages,
// letters; an e-mail address is reported under `emails` instead.
// Links: http(s):// or www. addresses, and bare domains with a known top-level domain
// (example.org, iso.org/standard/123), trailing punctuation excluded.
#pragma once

#include <string_view>
#include <vector>

#include "span.h"

namespace postguard {

struct Entities {
  std::vector<ByteRange> hashtags;
  std::vector<ByteRange> mentions;
  std::vector<ByteRange> urls;
  std::vector<ByteRange> emails;
};

Entities find_entities(std::string_view folded);

// Number of words in a hashtag's text (without '#'): splits on '_', on lower->upper case
// changes in the ORIGINAL spelling and between letters and digits. Needs the original
// because folding loses case: "#WorldRefugeeDay" has 3 words, "#refugees" has 1.
int hashtag_word_count(std::string_view original_hashtag_utf8);

}  // namespace postguard

// The social-media entities of a post: #hashtags, @mentions and links, found on folded text.
//
//   Entities e = find_entities(t.folded);
//   e.hashtags[0]  -> byte range of "#openstandards" (with the '#')
//
// Hashtags: '#' (or fullwidth '＃', already folded) not preceded by a letter, digit or '&',
// followed by letters, marks, digits or '_' with at least one non-digit.
// Mentions: '@' not preceded by a letter, digit or '_' (so e-mail addresses are not mentions),
// followed by [a-z0-9_] (Twitter's handle characters) and, for LinkedIn/Facebook pages,
// other letters, marks and digits. The span covers the whole name: Twitter's 15-character
// limit is not applied, because a page name may be longer and is still a mention.
// E-mail addresses (local@domain.tld, TLD of 2+ letters) are reported under `emails`.
// Links: http(s):// or www. addresses, and bare domains with a known top-level domain
// (example.org, iso.org/standard/123; a short list of common gTLDs and ccTLDs in
// entities.cc), with optional :port and path. Trailing . , ; : ! ? ' " are excluded, and so
// is a trailing ) or ] the link did not open ("wiki/Foo_(bar)" keeps its bracket).
// Hashtags and mentions inside links or addresses are not reported. Every list is in text
// order. Link detection ignores ASCII case, so it also works on unfolded text.
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

// Number of words in a hashtag's text (a leading '#' or '＃' is skipped): splits on '_', on
// lower->upper case changes in the ORIGINAL spelling and between letters and digits. Needs
// the original because folding loses case: "#WorldRefugeeDay" has 3 words, "#refugees" 1.
// An all-caps run is one word ("#ISO9001" = 2, "#COVID19" = 2) unless its last capital
// starts a capitalised word ("#NASAMission" = 2); "#iPhone" = 2. Combining marks never
// split; caseless letters (CJK) join the word they are in ("#東京2020" = 2).
int hashtag_word_count(std::string_view original_hashtag_utf8);

}  // namespace postguard

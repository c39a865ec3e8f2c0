// Word boundaries from ICU's word break rules (dictionary-based for CJK and Thai).
//
//   WordBreaker words;                      // construct once, reuse for every post
//   for (ByteRange w : words.split(t.folded)) ...   // only word tokens, in order
//
// A "word" is a token ICU classes as letters, numbers, kana or ideographs; spaces,
// punctuation, symbols and emoji are not words. Apostrophes and periods between letters stay
// inside ("don't", "U.S.A"), hyphens split ("e", "mail"), '_' joins ("snake_case"), and
// "3.14" and "1,000" are one number each. ICU's root rules (ICU 72) also count '@' as a
// letter, so "@user" and "jo@example.org" are one word each and a lone "@" is a word.
// Not thread-safe: one per thread. About 15 ns per character, dominated by ICU.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "span.h"

namespace postguard {

class WordBreaker {
 public:
  WordBreaker();
  ~WordBreaker();
  WordBreaker(const WordBreaker&) = delete;
  WordBreaker& operator=(const WordBreaker&) = delete;

  // Byte ranges of the word tokens of `utf8`, in order.
  std::vector<ByteRange> split(std::string_view utf8);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace postguard

// Word boundaries from ICU's word break rules (dictionary-based for CJK and Thai).
//
//   WordBreaker words;                      // construct once, reuse for every post
//   for (ByteRange w : words.split(t.folded)) ...   // only word tokens, in order
//
// A "word" is a token ICU classes as letters, numbers, kana or ideographs; spaces,
// punctuation, symbols and emoji are not words. Not thread-safe: one per thread.
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

#include "word_breaker.h"

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/ubrk.h>
#include <unicode/utext.h>

#include <cstdint>
#include <limits>

namespace postguard {

struct WordBreaker::Impl {
  // Creating a word BreakIterator loads rules and dictionaries (tens of microseconds), so it
  // is built once and re-pointed at each text.
  std::unique_ptr<icu::BreakIterator> words;
  UText text = UTEXT_INITIALIZER;

  Impl() {
    UErrorCode st = U_ZERO_ERROR;
    words.reset(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), st));
    if (U_FAILURE(st)) words.reset();
  }
  ~Impl() { utext_close(&text); }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
};

WordBreaker::WordBreaker() : impl_(std::make_unique<Impl>()) {}
WordBreaker::~WordBreaker() = default;

std::vector<ByteRange> WordBreaker::split(std::string_view utf8) {
  std::vector<ByteRange> out;
  // ICU boundaries are int32_t; a post is never near 2 GiB, so past that there are no words.
  if (!impl_->words || utf8.empty() ||
      utf8.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    return out;
  }
  UErrorCode st = U_ZERO_ERROR;
  // UTF-8 UText: native indexes are byte offsets, so no UTF-16 copy and no index mapping.
  UText* ut = utext_openUTF8(&impl_->text, utf8.data(), static_cast<int64_t>(utf8.size()), &st);
  if (U_FAILURE(st)) return out;
  icu::BreakIterator& bi = *impl_->words;
  bi.setText(ut, st);
  if (U_FAILURE(st)) return out;

  int32_t start = bi.first();
  for (int32_t end = bi.next(); end != icu::BreakIterator::DONE; start = end, end = bi.next()) {
    // The rule status describes the segment that ends at `end`: numbers, letters, kana and
    // ideographs have statuses at or above UBRK_WORD_NONE_LIMIT; spaces, punctuation and
    // emoji are below it.
    const int32_t status = bi.getRuleStatus();
    if (status >= UBRK_WORD_NONE && status < UBRK_WORD_NONE_LIMIT) continue;
    out.push_back({static_cast<uint32_t>(start), static_cast<uint32_t>(end)});
  }
  // The iterator keeps pointing at the caller's buffer until the next split(); it is never
  // read in between, since every split() starts with setText().
  return out;
}

}  // namespace postguard

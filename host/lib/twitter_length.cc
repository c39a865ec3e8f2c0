#include "twitter_length.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <limits>
#include <vector>

#include "entities.h"
#include "grapheme.h"
#include "utf.h"

namespace postguard {

namespace {

// twitter-text v3 configuration (config/v3.json).
constexpr int64_t kScale = 100;
constexpr int64_t kDefaultWeight = 200;
constexpr int64_t kUrlWeight = 23 * kScale;  // transformedURLLength
constexpr int64_t kEmojiWeight = kDefaultWeight;

int64_t code_point_weight(char32_t c) {
  if (c <= 4351 || (c >= 8192 && c <= 8205) || (c >= 8208 && c <= 8223) ||
      (c >= 8242 && c <= 8247)) {
    return 100;
  }
  return kDefaultWeight;
}

// Length is measured per grapheme cluster of the original text rather than on an NFC copy:
// NFC never composes across clusters, and this way every unit has a UTF-16 offset in the
// original for overflow_start without mapping back.
struct Cluster {
  size_t begin = 0;  // bytes in the original
  size_t end = 0;
  uint32_t u16 = 0;  // UTF-16 offset of its start
  char32_t base = 0;
  grapheme::CpClass base_class;
  bool emoji_marker = false;  // VS16, an emoji modifier or a ZWJ join
  bool keycap = false;        // U+20E3, as in "1️⃣"
};

bool is_emoji(const Cluster& c) {
  if (c.base_class.gcb == grapheme::Gcb::regional_indicator) return true;  // flags
  if (c.keycap) return true;
  if (!c.base_class.ext_pict) return false;
  // Text-style pictographs ("©", "™" without VS16) are weighed as the characters they are.
  return c.emoji_marker ||
         u_hasBinaryProperty(static_cast<UChar32>(c.base), UCHAR_EMOJI_PRESENTATION) != 0;
}

int64_t nfc_weight(std::string_view cluster) {
  UErrorCode st = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(st);
  // Most clusters are made of NFC-inert code points (ASCII, CJK, most Indic vowel signs),
  // which NFC leaves alone; only the others pay for building and normalizing a string.
  int64_t w = 0;
  bool inert = true;
  for (size_t i = 0; i < cluster.size();) {
    const char32_t c = utf::next_code_point(cluster, i);
    if (U_SUCCESS(st) && !nfc->isInert(static_cast<UChar32>(c))) {
      inert = false;
      break;
    }
    w += code_point_weight(c);
  }
  if (inert) return w;
  icu::UnicodeString u = nfc->normalize(icu::UnicodeString::fromUTF8(icu::StringPiece(
                                            cluster.data(), static_cast<int32_t>(cluster.size()))),
                                        st);
  w = 0;
  for (int32_t i = 0; i < u.length(); i = u.moveIndex32(i, 1)) {
    w += code_point_weight(static_cast<char32_t>(u.char32At(i)));
  }
  return w;
}

class Counter {
 public:
  explicit Counter(int limit) : max_(static_cast<int64_t>(limit) * kScale) {}

  void add(int64_t weight, uint32_t u16_start) {
    total_ += weight;
    if (total_ > max_ && !result_.overflow_start) result_.overflow_start = u16_start;
  }

  // `n` one-byte clusters of weight 1 starting at UTF-16 offset u16_start.
  void add_ascii(size_t n, uint32_t u16_start) {
    const auto weight = static_cast<int64_t>(n) * 100;
    if (!result_.overflow_start && total_ + weight > max_) {
      // The first byte k (0-based) with total_ + (k + 1) * 100 > max_.
      const int64_t k = total_ >= max_ ? 0 : (max_ - total_) / 100;
      result_.overflow_start = u16_start + static_cast<uint32_t>(k);
    }
    total_ += weight;
  }

  TwitterLength result() {
    result_.weighted =
        static_cast<int>(std::min<int64_t>(total_ / kScale, std::numeric_limits<int>::max()));
    return result_;
  }

 private:
  int64_t max_;
  int64_t total_ = 0;
  TwitterLength result_;
};

}  // namespace

TwitterLength twitter_length(std::string_view original_utf8, int limit) {
  const std::string_view s = original_utf8;
  // Links are found on the original, as twitter-text does; the finder is ASCII
  // case-insensitive, so "HTTPS://Example.ORG" counts like its folded form.
  const std::vector<ByteRange> urls = find_entities(s).urls;
  Counter counter(limit);

  Cluster cur;
  bool open = false;
  auto flush = [&] {
    if (!open) return;
    open = false;
    const std::string_view text = s.substr(cur.begin, cur.end - cur.begin);
    const int64_t w = is_emoji(cur) ? kEmojiWeight : nfc_weight(text);
    counter.add(w, cur.u16);
  };

  grapheme::Segmenter seg;
  size_t next_url = 0;
  size_t i = 0;
  uint32_t u16 = 0;
  while (i < s.size()) {
    if (next_url < urls.size() && i == urls[next_url].begin) {
      flush();
      counter.add(kUrlWeight, u16);
      const ByteRange url = urls[next_url++];
      u16 += utf::utf16_length(s.substr(url.begin, url.end - url.begin));
      i = url.end;
      seg = grapheme::Segmenter();
      continue;
    }
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      // ASCII up to the next link or non-ASCII byte weighs 1 per byte. The last byte before
      // non-ASCII is left to the general path, as a combining mark may attach to it.
      const size_t stop = next_url < urls.size() ? urls[next_url].begin : s.size();
      size_t j = i;
      while (j < stop && static_cast<unsigned char>(s[j]) < 0x80) ++j;
      if (j < stop) --j;
      if (j > i) {
        flush();
        counter.add_ascii(j - i, u16);
        seg.note_ascii(static_cast<unsigned char>(s[j - 1]));
        u16 += static_cast<uint32_t>(j - i);
        i = j;
        continue;
      }
    }
    const size_t start = i;
    const char32_t c = utf::next_code_point(s, i);
    const grapheme::CpClass cls = c < 0x80 ? grapheme::classify_ascii(b) : grapheme::classify(c);
    if (seg.is_boundary(cls)) {
      flush();
      cur = Cluster{};
      cur.begin = start;
      cur.u16 = u16;
      cur.base = c;
      cur.base_class = cls;
      open = true;
    } else if (c == 0xFE0F || c == 0x200D || (c >= 0x1F3FB && c <= 0x1F3FF)) {
      cur.emoji_marker = true;
    } else if (c == 0x20E3) {
      cur.keycap = true;
    }
    cur.end = i;
    u16 += c >= 0x10000 ? 2U : 1U;
  }
  flush();
  return counter.result();
}

}  // namespace postguard

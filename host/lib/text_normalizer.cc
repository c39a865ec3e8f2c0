#include "text_normalizer.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <array>
#include <string_view>
#include <unordered_map>

#include "grapheme.h"
#include "utf.h"

namespace postguard {

namespace {

// ---------------------------------------------------------------------------------------
// Per-code-point folding (non-ASCII only; computed once per thread and code point).

struct FoldedCp {
  std::string out;  // folded UTF-8, possibly empty (dropped)
  grapheme::CpClass cls;
  // ZWJ, variation selectors and tag characters: invisible, so dropped like any other
  // zero-width character, except inside an emoji cluster where they are part of the emoji.
  bool emoji_part = false;
  bool emoji_base = false;  // identity-mapped pictograph or regional indicator
  // The output can compose with what precedes it under NFC (e.g. U+3099 after a kana), so a
  // cluster that gets such a code point attached is recomposed as a whole.
  bool composes = false;
};

bool is_dropped_diacritic(char32_t c) {
  return (c >= 0x0300 && c <= 0x036F) || (c >= 0x1AB0 && c <= 0x1AFF) ||
         (c >= 0x1DC0 && c <= 0x1DFF) || (c >= 0x20D0 && c <= 0x20FF) ||
         (c >= 0xFE20 && c <= 0xFE2F);
}

bool is_emoji_part(char32_t c) {
  return c == 0x200D || (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xE0100 && c <= 0xE01EF) ||
         (c >= 0xE0020 && c <= 0xE007F);
}

// Typographic punctuation and separators with one plain spelling. Applied before the
// decompositions too, because NFKD turns some of them into something worse: U+00B4 ACUTE
// ACCENT (used as an apostrophe) into a space plus a dropped combining accent, U+2033
// DOUBLE PRIME into two primes.
constexpr std::u32string_view kApostrophes =
    U"\u2018\u2019\u201A\u201B\u02BC\u2032\u00B4\u2039\u203A";
constexpr std::u32string_view kQuotes = U"\u201C\u201D\u201E\u201F\u00AB\u00BB\u2033\u2036";
constexpr std::u32string_view kDashes = U"\u2010\u2011\u2012\u2013\u2014\u2015\u2212";
constexpr std::u32string_view kLineBreaks = U"\u0085\u2028\u2029";  // NEL, LS, PS

char32_t unify_punctuation(char32_t c) {
  if (kApostrophes.find(c) != std::u32string_view::npos) return '\'';
  if (kQuotes.find(c) != std::u32string_view::npos) return '"';
  if (kDashes.find(c) != std::u32string_view::npos) return '-';
  if (kLineBreaks.find(c) != std::u32string_view::npos) return '\n';
  if (u_charType(static_cast<UChar32>(c)) == U_SPACE_SEPARATOR) return ' ';
  return c;
}

struct Lookalike {
  char32_t from;
  char to;
};

// Capitals that look like a Latin capital but whose lowercase no longer looks like the
// Latin lowercase (Cyrillic "Н" vs "н"), so they are mapped before case folding.
constexpr auto kCapitalLookalikes = std::to_array<Lookalike>({
    {0x0410, 'A'},  // А
    {0x0412, 'B'},  // В
    {0x0415, 'E'},  // Е
    {0x041A, 'K'},  // К
    {0x041C, 'M'},  // М
    {0x041D, 'H'},  // Н
    {0x041E, 'O'},  // О
    {0x0420, 'P'},  // Р
    {0x0421, 'C'},  // С
    {0x0422, 'T'},  // Т
    {0x0423, 'Y'},  // У
    {0x0425, 'X'},  // Х
    {0x0405, 'S'},  // Ѕ
    {0x0406, 'I'},  // І
    {0x0408, 'J'},  // Ј
    {0x04AE, 'Y'},  // Ү
    {0x04BA, 'H'},  // Һ
    {0x051A, 'Q'},  // Ԛ
    {0x051C, 'W'},  // Ԝ
    {0x0391, 'A'},  // Α
    {0x0392, 'B'},  // Β
    {0x0395, 'E'},  // Ε
    {0x0396, 'Z'},  // Ζ
    {0x0397, 'H'},  // Η
    {0x0399, 'I'},  // Ι
    {0x039A, 'K'},  // Κ
    {0x039C, 'M'},  // Μ
    {0x039D, 'N'},  // Ν
    {0x039F, 'O'},  // Ο
    {0x03A1, 'P'},  // Ρ
    {0x03A4, 'T'},  // Τ
    {0x03A5, 'Y'},  // Υ
    {0x03A7, 'X'},  // Χ
});

// Lowercase letters of other scripts that pass for a Latin letter in running text.
constexpr auto kSmallLookalikes = std::to_array<Lookalike>({
    {0x0430, 'a'},  // а
    {0x0435, 'e'},  // е
    {0x043E, 'o'},  // о
    {0x0440, 'p'},  // р
    {0x0441, 'c'},  // с
    {0x0443, 'y'},  // у
    {0x0445, 'x'},  // х
    {0x0455, 's'},  // ѕ
    {0x0456, 'i'},  // і
    {0x0458, 'j'},  // ј
    {0x04AF, 'y'},  // ү
    {0x04BB, 'h'},  // һ
    {0x04CF, 'l'},  // ӏ (also what capital Ӏ folds to)
    {0x0501, 'd'},  // ԁ
    {0x051B, 'q'},  // ԛ
    {0x051D, 'w'},  // ԝ
    {0x03B1, 'a'},  // α
    {0x03B3, 'y'},  // γ
    {0x03B5, 'e'},  // ε
    {0x03B9, 'i'},  // ι
    {0x03BA, 'k'},  // κ
    {0x03BD, 'v'},  // ν
    {0x03BF, 'o'},  // ο
    {0x03C1, 'p'},  // ρ
    {0x03C4, 't'},  // τ
    {0x03C5, 'u'},  // υ
    {0x03C7, 'x'},  // χ
    {0x0131, 'i'},  // ı dotless i
    {0x0237, 'j'},  // ȷ dotless j
    {0x0251, 'a'},  // ɑ Latin alpha
    {0x0261, 'g'},  // ɡ script g
    {0x0269, 'i'},  // ɩ Latin iota
    {0x0570, 'h'},  // հ Armenian
    {0x0578, 'n'},  // ո
    {0x057D, 'u'},  // ս
    {0x0585, 'o'},  // օ
});

template <size_t N>
char32_t look_up(const std::array<Lookalike, N>& table, char32_t c) {
  for (const Lookalike& l : table) {
    if (l.from == c) return static_cast<char32_t>(l.to);
  }
  return c;
}

char32_t latin_for_capital(char32_t c) { return look_up(kCapitalLookalikes, c); }
char32_t latin_for_small(char32_t c) { return look_up(kSmallLookalikes, c); }

icu::UnicodeString map_code_points(const icu::UnicodeString& s, char32_t (*f)(char32_t)) {
  icu::UnicodeString r;
  for (int32_t i = 0; i < s.length(); i = s.moveIndex32(i, 1)) {
    r.append(static_cast<UChar32>(f(static_cast<char32_t>(s.char32At(i)))));
  }
  return r;
}

icu::UnicodeString drop_diacritics(const icu::UnicodeString& s) {
  icu::UnicodeString r;
  for (int32_t i = 0; i < s.length(); i = s.moveIndex32(i, 1)) {
    const UChar32 c = s.char32At(i);
    if (!is_dropped_diacritic(static_cast<char32_t>(c))) r.append(c);
  }
  return r;
}

// A "spacing accent" such as U+00A8 DIAERESIS decomposes to a space plus a combining mark;
// run through the pipeline it would turn into a plain space and split a word.
bool is_spacing_accent(const icu::UnicodeString& nfkd) {
  if (nfkd.length() < 2 || nfkd.charAt(0) != u' ') return false;
  for (int32_t i = 1; i < nfkd.length(); i = nfkd.moveIndex32(i, 1)) {
    if (u_getCombiningClass(nfkd.char32At(i)) == 0 &&
        !is_dropped_diacritic(static_cast<char32_t>(nfkd.char32At(i)))) {
      return false;
    }
  }
  return true;
}

FoldedCp compute_folded(char32_t c) {
  FoldedCp f;
  f.cls = grapheme::classify(c);
  const auto u = static_cast<UChar32>(c);

  if (u_hasBinaryProperty(u, UCHAR_DEFAULT_IGNORABLE_CODE_POINT)) {
    f.emoji_part = is_emoji_part(c);
    return f;  // zero-width: dropped (emoji parts are re-added inside emoji clusters)
  }
  // Emoji stay exactly as written: NFKD would turn "ℹ" into "i" and "™" into "tm".
  if (f.cls.ext_pict || f.cls.gcb == grapheme::Gcb::regional_indicator ||
      u_hasBinaryProperty(u, UCHAR_EMOJI_MODIFIER)) {
    f.emoji_base = f.cls.ext_pict || f.cls.gcb == grapheme::Gcb::regional_indicator;
    utf::append_utf8(f.out, c);
    return f;
  }
  if (const char32_t p = unify_punctuation(c); p != c) {
    utf::append_utf8(f.out, p);
    return f;
  }

  UErrorCode st = U_ZERO_ERROR;
  const icu::Normalizer2* nfkd = icu::Normalizer2::getNFKDInstance(st);
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(st);
  if (U_FAILURE(st)) {
    utf::append_utf8(f.out, c);  // no ICU data: fold nothing rather than fail
    return f;
  }
  icu::UnicodeString s(u);
  s = nfkd->normalize(s, st);
  if (is_spacing_accent(s)) {
    utf::append_utf8(f.out, c);
    return f;
  }
  s = map_code_points(s, latin_for_capital);
  s.foldCase(U_FOLD_CASE_DEFAULT);
  s = nfkd->normalize(s, st);  // folding can produce precomposed letters again
  s = drop_diacritics(s);
  s = nfc->normalize(s, st);
  if (U_FAILURE(st)) {
    f.out.clear();
    utf::append_utf8(f.out, c);
    return f;
  }
  for (int32_t i = 0; i < s.length(); i = s.moveIndex32(i, 1)) {
    const UChar32 o = s.char32At(i);
    if (u_hasBinaryProperty(o, UCHAR_DEFAULT_IGNORABLE_CODE_POINT)) continue;
    const char32_t mapped = latin_for_small(unify_punctuation(static_cast<char32_t>(o)));
    if (!nfc->hasBoundaryBefore(static_cast<UChar32>(mapped))) f.composes = true;
    utf::append_utf8(f.out, mapped);
  }
  return f;
}

const FoldedCp& folded_cp(char32_t c) {
  // Bounded so that a post cycling through the whole code space cannot grow it forever;
  // real text uses a few hundred distinct code points.
  constexpr size_t kMaxEntries = 1 << 16;
  thread_local std::unordered_map<char32_t, FoldedCp> cache;
  if (auto it = cache.find(c); it != cache.end()) return it->second;
  if (cache.size() >= kMaxEntries) cache.clear();
  return cache.emplace(c, compute_folded(c)).first->second;
}

// ASCII folding: lowercase, and tab, vertical tab and form feed become ' ' like every other
// space; '\n' and '\r' stay, so line-based rules still see lines.
constexpr std::array<char, 128> kAsciiFold = [] {
  std::array<char, 128> t{};
  for (int b = 0; b < 128; ++b) t[b] = static_cast<char>(b);
  for (int b = 'A'; b <= 'Z'; ++b) t[b] = static_cast<char>(b - 'A' + 'a');
  t['\t'] = t['\v'] = t['\f'] = ' ';
  return t;
}();

char fold_ascii(unsigned char b) { return kAsciiFold[b & 0x7F]; }

// ---------------------------------------------------------------------------------------
// The normalizer proper: appends folded bytes cluster by cluster, keeping the offset map.

class Builder {
 public:
  explicit Builder(NormalizedText& t) : t_(t) {}

  // Appends a run of ASCII bytes; each is its own cluster (CR LF included: two clusters).
  void ascii_run(std::string_view run, uint32_t u16) {
    finish_cluster();
    const size_t at = t_.folded.size();
    const size_t n = run.size();
    // Sized once and written through raw pointers: this loop is most of a typical post.
    t_.folded.resize(at + n);
    t_.src_begin.resize(at + n);
    t_.src_end.resize(at + n);
    char* out = t_.folded.data() + at;
    uint32_t* begins = t_.src_begin.data() + at;
    uint32_t* ends = t_.src_end.data() + at;
    for (size_t k = 0; k < n; ++k) {
      out[k] = fold_ascii(static_cast<unsigned char>(run[k]));
      begins[k] = u16;
      ends[k] = ++u16;
    }
    // The last byte may still get combining marks attached ("e" + U+0301).
    out_begin_ = at + n - 1;
    src_begin_ = u16 - 1;
    src_end_ = u16;
    emoji_ = false;
  }

  // A cluster whose code points all fold to nothing (a standalone ZWSP) produces no bytes.
  void start_cluster(const FoldedCp& f, uint32_t u16, uint32_t width) {
    finish_cluster();
    out_begin_ = t_.folded.size();
    src_begin_ = u16;
    src_end_ = u16 + width;
    emoji_ = f.emoji_base;
    append(f.out);
  }

  void extend_cluster(const FoldedCp& f, char32_t c, uint32_t end) {
    // Every byte of a cluster maps to the whole cluster, dropped code points included; the
    // earlier bytes' ends are fixed up once, in finish_cluster().
    src_end_ = end;
    extended_ = true;
    if (f.out.empty()) {
      if (f.emoji_part && emoji_) {
        std::string part;
        utf::append_utf8(part, c);
        append(part);
      }
      return;
    }
    if (f.composes) needs_nfc_ = true;
    append(f.out);
  }

  void finish_cluster() {
    if (extended_) {
      std::fill(t_.src_end.begin() + static_cast<std::ptrdiff_t>(out_begin_), t_.src_end.end(),
                src_end_);
      extended_ = false;
    }
    if (needs_nfc_) {
      needs_nfc_ = false;
      recompose();
    }
  }

 private:
  void append(std::string_view bytes) {
    t_.folded += bytes;
    t_.src_begin.resize(t_.folded.size(), src_begin_);
    t_.src_end.resize(t_.folded.size(), src_end_);
  }

  // Per-code-point folding cannot compose across code points ("か" + U+3099 -> "が"), so a
  // cluster that needs it is recomposed as a whole; all its bytes share one span, so the
  // offset map only changes length.
  void recompose() {
    UErrorCode st = U_ZERO_ERROR;
    const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(st);
    if (U_FAILURE(st)) return;
    const std::string_view tail(t_.folded.data() + out_begin_, t_.folded.size() - out_begin_);
    icu::UnicodeString u = icu::UnicodeString::fromUTF8(
        icu::StringPiece(tail.data(), static_cast<int32_t>(tail.size())));
    u = nfc->normalize(u, st);
    if (U_FAILURE(st)) return;
    std::string composed;
    u.toUTF8String(composed);
    t_.folded.resize(out_begin_);
    t_.folded += composed;
    t_.src_begin.resize(t_.folded.size(), src_begin_);
    t_.src_end.resize(t_.folded.size(), src_end_);
  }

  NormalizedText& t_;
  size_t out_begin_ = 0;    // first byte of the current cluster in folded
  uint32_t src_begin_ = 0;  // UTF-16 range of the current cluster
  uint32_t src_end_ = 0;
  bool emoji_ = false;
  bool extended_ = false;  // code points were attached: earlier bytes need the new end
  bool needs_nfc_ = false;
};

}  // namespace

Span NormalizedText::to_source(ByteRange r) const {
  const size_t n = folded.size();
  // Out-of-contract ranges are clamped rather than trusted: an empty range is a position.
  if (r.end <= r.begin || n == 0) {
    const uint32_t p = r.begin < n ? src_begin[r.begin] : source_utf16_length;
    return {p, p};
  }
  const size_t b = std::min<size_t>(r.begin, n - 1);
  const size_t e = std::clamp<size_t>(r.end, b + 1, n);
  return {src_begin[b], src_end[e - 1]};
}

NormalizedText normalize(std::string_view utf8) {
  NormalizedText t;
  t.folded.reserve(utf8.size());
  t.src_begin.reserve(utf8.size());
  t.src_end.reserve(utf8.size());

  Builder builder(t);
  grapheme::Segmenter seg;
  const size_t n = utf8.size();
  size_t i = 0;
  uint32_t u16 = 0;
  while (i < n) {
    if (static_cast<unsigned char>(utf8[i]) < 0x80) {
      // ASCII fast path: no ICU, no hash lookup, no segmenter state per byte.
      size_t j = i + 1;
      while (j < n && static_cast<unsigned char>(utf8[j]) < 0x80) ++j;
      builder.ascii_run(utf8.substr(i, j - i), u16);
      seg.note_ascii(static_cast<unsigned char>(utf8[j - 1]));
      u16 += static_cast<uint32_t>(j - i);
      i = j;
      continue;
    }
    const char32_t c = utf::next_code_point(utf8, i);
    const uint32_t width = c >= 0x10000 ? 2U : 1U;
    const FoldedCp& f = folded_cp(c);
    if (seg.is_boundary(f.cls)) {
      builder.start_cluster(f, u16, width);
    } else {
      builder.extend_cluster(f, c, u16 + width);
    }
    u16 += width;
  }
  builder.finish_cluster();
  t.source_utf16_length = u16;
  return t;
}

std::string fold(std::string_view utf8) { return normalize(utf8).folded; }

}  // namespace postguard

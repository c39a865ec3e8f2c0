// Internal to the text engine: incremental grapheme cluster segmentation (UAX #29 extended
// grapheme clusters, rules GB3-GB13 as of Unicode 15 / ICU 72) one code point at a time.
//
//   grapheme::Segmenter seg;
//   for (char32_t c : code_points)
//     if (seg.is_boundary(grapheme::classify(c))) start_new_cluster();
//
// Used instead of ICU's character BreakIterator because the normalizer and the length
// counter already walk the text code point by code point, and an ASCII post must not pay
// for a rule-based iterator (the whole check has a ~20 us budget).
#pragma once

#include <cstdint>

namespace postguard::grapheme {

// Grapheme_Cluster_Break values that matter since Unicode 11 (E_Base and friends are gone).
enum class Gcb : uint8_t {
  other,
  cr,
  lf,
  control,
  extend,
  zwj,
  regional_indicator,
  prepend,
  spacing_mark,
  l,
  v,
  t,
  lv,
  lvt,
};

struct CpClass {
  Gcb gcb = Gcb::other;
  bool ext_pict = false;  // Extended_Pictographic: emoji and the pictographs reserved for them
};

// ASCII is answered without ICU.
CpClass classify(char32_t c);

inline CpClass classify_ascii(unsigned char b) {
  if (b == '\r') return {Gcb::cr, false};
  if (b == '\n') return {Gcb::lf, false};
  if (b < 0x20 || b == 0x7F) return {Gcb::control, false};
  return {Gcb::other, false};
}

class Segmenter {
 public:
  // True when a code point of class `c` starts a new cluster (always true for the first).
  bool is_boundary(CpClass c);

  // Records that an ASCII byte was consumed without asking is_boundary() (fast paths).
  // ASCII only ever starts a cluster, apart from LF after CR, which such callers may treat
  // as two clusters.
  void note_ascii(unsigned char b) {
    started_ = true;
    prev_ = classify_ascii(b).gcb;
    pict_run_ = pict_zwj_ = ri_odd_ = false;
  }

 private:
  bool started_ = false;
  Gcb prev_ = Gcb::other;
  bool pict_run_ = false;  // GB11: Extended_Pictographic Extend* seen, ending here
  bool pict_zwj_ = false;  // GB11: ... and then a ZWJ, which glues the next pictograph on
  bool ri_odd_ = false;    // GB12/13: an unpaired Regional_Indicator ends the cluster
};

}  // namespace postguard::grapheme

#include "grapheme.h"

#include <unicode/uchar.h>

namespace postguard::grapheme {

namespace {

Gcb from_icu(int32_t gcb) {
  switch (gcb) {
    case U_GCB_CR:
      return Gcb::cr;
    case U_GCB_LF:
      return Gcb::lf;
    case U_GCB_CONTROL:
      return Gcb::control;
    case U_GCB_EXTEND:
    case U_GCB_E_MODIFIER:  // emoji modifiers are Extend since Unicode 11
      return Gcb::extend;
    case U_GCB_ZWJ:
      return Gcb::zwj;
    case U_GCB_REGIONAL_INDICATOR:
      return Gcb::regional_indicator;
    case U_GCB_PREPEND:
      return Gcb::prepend;
    case U_GCB_SPACING_MARK:
      return Gcb::spacing_mark;
    case U_GCB_L:
      return Gcb::l;
    case U_GCB_V:
      return Gcb::v;
    case U_GCB_T:
      return Gcb::t;
    case U_GCB_LV:
      return Gcb::lv;
    case U_GCB_LVT:
      return Gcb::lvt;
    default:
      return Gcb::other;  // also the obsolete E_Base, E_Base_GAZ, Glue_After_Zwj
  }
}

bool is_control_like(Gcb g) { return g == Gcb::cr || g == Gcb::lf || g == Gcb::control; }

// The pair rules of UAX #29 in order; `pict_zwj` and `ri_odd` carry the state GB11-GB13 need.
bool breaks_between(Gcb p, CpClass c, bool pict_zwj, bool ri_odd) {
  const Gcb g = c.gcb;
  if (p == Gcb::cr && g == Gcb::lf) return false;             // GB3
  if (is_control_like(p) || is_control_like(g)) return true;  // GB4, GB5
  if (p == Gcb::l && (g == Gcb::l || g == Gcb::v || g == Gcb::lv || g == Gcb::lvt)) {
    return false;  // GB6
  }
  if ((p == Gcb::lv || p == Gcb::v) && (g == Gcb::v || g == Gcb::t)) return false;  // GB7
  if ((p == Gcb::lvt || p == Gcb::t) && g == Gcb::t) return false;                  // GB8
  if (g == Gcb::extend || g == Gcb::zwj || g == Gcb::spacing_mark) return false;    // GB9, GB9a
  if (p == Gcb::prepend) return false;                                              // GB9b
  if (p == Gcb::zwj && c.ext_pict && pict_zwj) return false;                        // GB11
  if (p == Gcb::regional_indicator && g == Gcb::regional_indicator && ri_odd) {
    return false;  // GB12, GB13
  }
  return true;  // GB999
}

}  // namespace

CpClass classify(char32_t c) {
  if (c < 0x80) return classify_ascii(static_cast<unsigned char>(c));
  const auto u = static_cast<UChar32>(c);
  return {from_icu(u_getIntPropertyValue(u, UCHAR_GRAPHEME_CLUSTER_BREAK)),
          u_hasBinaryProperty(u, UCHAR_EXTENDED_PICTOGRAPHIC) != 0};
}

bool Segmenter::is_boundary(CpClass c) {
  const bool boundary = !started_ || breaks_between(prev_, c, pict_zwj_, ri_odd_);
  started_ = true;

  if (c.ext_pict) {
    pict_run_ = true;
    pict_zwj_ = false;
  } else if (c.gcb == Gcb::extend) {
    pict_zwj_ = false;  // pict_run_ carries over Extend*
  } else if (c.gcb == Gcb::zwj) {
    pict_zwj_ = pict_run_;
    pict_run_ = false;
  } else {
    pict_run_ = false;
    pict_zwj_ = false;
  }

  if (c.gcb == Gcb::regional_indicator) {
    const bool completes_pair = !boundary && prev_ == Gcb::regional_indicator && ri_odd_;
    ri_odd_ = !completes_pair;
  } else {
    ri_odd_ = false;
  }
  prev_ = c.gcb;
  return boundary;
}

}  // namespace postguard::grapheme

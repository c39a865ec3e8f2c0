#include "grapheme.h"

#include <unicode/uchar.h>

namespace postguard::grapheme {

CpClass classify(char32_t c) {
  if (c < 0x80) return classify_ascii(static_cast<unsigned char>(c));
  const auto u = static_cast<UChar32>(c);
  CpClass r;
  r.ext_pict = u_hasBinaryProperty(u, UCHAR_EXTENDED_PICTOGRAPHIC) != 0;
  switch (u_getIntPropertyValue(u, UCHAR_GRAPHEME_CLUSTER_BREAK)) {
    case U_GCB_CR: r.gcb = Gcb::cr; break;
    case U_GCB_LF: r.gcb = Gcb::lf; break;
    case U_GCB_CONTROL: r.gcb = Gcb::control; break;
    // Emoji modifiers are Extend since Unicode 11; older data called them E_Modifier.
    case U_GCB_EXTEND: case U_GCB_E_MODIFIER: r.gcb = Gcb::extend; break;
    case U_GCB_ZWJ: r.gcb = Gcb::zwj; break;
    case U_GCB_REGIONAL_INDICATOR: r.gcb = Gcb::regional_indicator; break;
    case U_GCB_PREPEND: r.gcb = Gcb::prepend; break;
    case U_GCB_SPACING_MARK: r.gcb = Gcb::spacing_mark; break;
    case U_GCB_L: r.gcb = Gcb::l; break;
    case U_GCB_V: r.gcb = Gcb::v; break;
    case U_GCB_T: r.gcb = Gcb::t; break;
    case U_GCB_LV: r.gcb = Gcb::lv; break;
    case U_GCB_LVT: r.gcb = Gcb::lvt; break;
    default: r.gcb = Gcb::other; break;
  }
  return r;
}

namespace {

bool is_control_like(Gcb g) { return g == Gcb::cr || g == Gcb::lf || g == Gcb::control; }

// The pair rules of UAX #29 in order; `pict_zwj` and `ri_odd` carry the state GB11-GB13 need.
bool breaks_between(Gcb p, CpClass c, bool pict_zwj, bool ri_odd) {
  const Gcb g = c.gcb;
  if (p == Gcb::cr && g == Gcb::lf) return false;                                 // GB3
  if (is_control_like(p) || is_control_like(g)) return true;                      // GB4, GB5
  if (p == Gcb::l && (g == Gcb::l || g == Gcb::v || g == Gcb::lv || g == Gcb::lvt)) {
    return false;                                                                 // GB6
  }
  if ((p == Gcb::lv || p == Gcb::v) && (g == Gcb::v || g == Gcb::t)) return false;  // GB7
  if ((p == Gcb::lvt || p == Gcb::t) && g == Gcb::t) return false;                // GB8
  if (g == Gcb::extend || g == Gcb::zwj || g == Gcb::spacing_mark) return false;  // GB9, GB9a
  if (p == Gcb::prepend) return false;                                            // GB9b
  if (p == Gcb::zwj && c.ext_pict && pict_zwj) return false;                      // GB11
  if (p == Gcb::regional_indicator && g == Gcb::regional_indicator && ri_odd) {
    return false;                                                                 // GB12, GB13
  }
  return true;                                                                    // GB999
}

}  // namespace

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

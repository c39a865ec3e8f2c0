#include "grapheme.h"

#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "utf.h"

namespace postguard {
namespace {

// Cluster lengths in code points.
std::vector<int> clusters(std::string_view s) {
  grapheme::Segmenter seg;
  std::vector<int> out;
  for (size_t i = 0; i < s.size();) {
    if (seg.is_boundary(grapheme::classify(utf::next_code_point(s, i)))) out.push_back(0);
    ++out.back();
  }
  return out;
}

using Lengths = std::vector<int>;

TEST_CASE("grapheme clusters follow UAX #29", "[grapheme][text]") {
  CHECK(clusters("abc") == Lengths{1, 1, 1});
  CHECK(clusters("a\r\nb") == Lengths{1, 2, 1});                 // GB3
  CHECK(clusters("\n\u0301") == Lengths{1, 1});                  // GB4: nothing joins LF
  CHECK(clusters("e\u0301\u0302x") == Lengths{3, 1});            // GB9 Extend
  CHECK(clusters("a\u200Db") == Lengths{2, 1});                  // GB9 ZWJ, no GB11
  CHECK(clusters("\u0915\u093F") == Lengths{2});                 // GB9a SpacingMark: कि
  CHECK(clusters("\u0600\u0661") == Lengths{2});                 // GB9b Prepend
  CHECK(clusters("\u1100\u1161\u11A8\u1100") == Lengths{3, 1});  // GB6-8 Hangul L V T
  CHECK(clusters("\uAC00\u11A8") == Lengths{2});                 // LV T
  CHECK(clusters("\U0001F44D\U0001F3FD") == Lengths{2});         // modifier is Extend
  CHECK(clusters("\U0001F468\u200D\U0001F469\u200D\U0001F467") == Lengths{5});  // GB11
  CHECK(clusters("\u2764\uFE0F\u200D\U0001F525") == Lengths{4});  // ExtPict Extend ZWJ ExtPict
  CHECK(clusters("\U0001F1EC\U0001F1E7\U0001F1EB\U0001F1F7") == Lengths{2, 2});  // GB12/13
  CHECK(clusters("\U0001F1EC\U0001F1E7\U0001F1EB") == Lengths{2, 1});
  CHECK(clusters("a\U0001F1EC\U0001F1E7") == Lengths{1, 2});
  CHECK(clusters("\U0001F3F4\U000E0067\U000E0062\U000E007F") == Lengths{4});  // tags
  CHECK(clusters("1\uFE0F\u20E3") == Lengths{3});                             // keycap
}

TEST_CASE("note_ascii leaves the segmenter as if it had seen the byte", "[grapheme][text]") {
  grapheme::Segmenter seg;
  seg.note_ascii('e');
  CHECK_FALSE(seg.is_boundary(grapheme::classify(0x0301)));
  seg.note_ascii('\n');
  CHECK(seg.is_boundary(grapheme::classify(0x0301)));
}

}  // namespace
}  // namespace postguard

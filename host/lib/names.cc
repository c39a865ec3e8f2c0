#include "names.h"

#include <unicode/uchar.h>

#include <algorithm>
#include <initializer_list>

#include "utf.h"

namespace postguard {
namespace {

struct Shape {
  bool starts_upper = false;
  bool has_lower = false;
  bool upper_after_lower = false;
  bool pronoun_i = false;  // "I", "I'm", "I’d": capitalised by grammar, not by being a name
};

bool upper(UChar32 c) { return u_isupper(c) || u_istitle(c); }

// "IET's", "ISO’s": a possessive ending does not make an acronym a name.
std::string_view without_possessive(std::string_view word) {
  for (std::string_view end : {"'s", "\u2019s", "'", "\u2019"}) {
    if (word.size() > end.size() && word.ends_with(end))
      return word.substr(0, word.size() - end.size());
  }
  return word;
}

Shape shape_of(std::string_view word) {
  word = without_possessive(word);
  Shape s;
  size_t i = 0;
  bool first = true;
  bool seen_lower = false;
  while (i < word.size()) {
    const auto c = static_cast<UChar32>(utf::next_code_point(word, i));
    if (first) {
      s.starts_upper = upper(c);
      s.pronoun_i =
          c == 'I' && (i == word.size() || word[i] == '\'' || word.substr(i).starts_with("\u2019"));
      first = false;
    }
    if (u_islower(c)) {
      seen_lower = true;
    } else if (seen_lower && upper(c)) {
      s.upper_after_lower = true;
    }
  }
  s.has_lower = seen_lower;
  return s;
}

// The code point that ends just before byte `end` of valid UTF-8.
UChar32 previous_code_point(std::string_view text, size_t end) {
  size_t start = end - 1;
  while (start > 0 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
  size_t i = start;
  return static_cast<UChar32>(utf::next_code_point(text, i));
}

// Does the word at `begin` start a sentence (so its capital is grammar, not a name)?
bool starts_sentence(std::string_view folded, size_t begin) {
  size_t end = begin;
  while (end > 0 && folded[end - 1] == ' ') --end;
  if (end == 0) return true;
  const UChar32 c = previous_code_point(folded, end);
  if (u_isalnum(c)) return false;
  return !(c == ',' || c == '&' || c == ')' || c == '-');
}

bool one_of(std::string_view folded_word, std::initializer_list<std::string_view> list) {
  return std::find(list.begin(), list.end(), folded_word) != list.end();
}

// English days and months are capitalised by spelling rules, not because they name anyone.
bool calendar_word(std::string_view w) {
  return one_of(w, {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
                    "january", "february", "march", "april", "may", "june", "july", "august",
                    "september", "october", "november", "december"});
}

// Words that often open a sentence before a capitalised title ("The Home Secretary", "Our
// Chair"): they start the sentence, not the name.
bool determiner(std::string_view w) {
  return one_of(
      w, {"the",  "a",     "an",    "our", "my", "your", "their",   "his",     "her", "its", "this",
          "that", "these", "those", "le",  "la", "les",  "un",      "une",     "el",  "los", "las",
          "una",  "notre", "nos",   "mon", "ma", "mes",  "nuestro", "nuestra", "mi"});
}

bool entity(std::string_view folded, const WordSpelling& w) {
  if (w.original.starts_with("@")) return true;
  const size_t b = w.folded.begin;
  return b > 0 && (folded[b - 1] == '#' || folded[b - 1] == '@');
}

// Only a space or a hyphen between two words of one name.
bool joined(std::string_view folded, const ByteRange& left, const ByteRange& right) {
  if (right.begin != left.end + 1) return false;
  const char c = folded[left.end];
  return c == ' ' || c == '-';
}

}  // namespace

std::vector<ByteRange> find_names(std::string_view folded, const std::vector<WordSpelling>& words) {
  std::vector<ByteRange> out;
  // Whether the previous word was name-like, or a sentence-initial capital that a following
  // name-like word may extend ("Kestrel" in "Kestrel Cargo").
  bool open = false;
  bool pending_capital = false;
  ByteRange pending{};
  for (const WordSpelling& w : words) {
    const Shape s = shape_of(w.original);
    const std::string_view lower = folded.substr(w.folded.begin, w.folded.end - w.folded.begin);
    const bool skip = entity(folded, w) || s.pronoun_i || calendar_word(without_possessive(lower));
    const bool capital = !skip && s.starts_upper && s.has_lower;
    const bool name =
        !skip && (s.upper_after_lower || (capital && !starts_sentence(folded, w.folded.begin)));
    const bool continues = !out.empty() && open && joined(folded, out.back(), w.folded);
    if (name) {
      if (continues) {
        out.back().end = w.folded.end;
      } else if (pending_capital && joined(folded, pending, w.folded)) {
        out.push_back({pending.begin, w.folded.end});
      } else {
        out.push_back(w.folded);
      }
      open = true;
      pending_capital = false;
    } else {
      open = false;
      pending_capital = capital && !determiner(lower);
      pending = w.folded;
    }
  }
  return out;
}

}  // namespace postguard

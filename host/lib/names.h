// Words that are spelled like names: the one thing folding throws away. Rules match folded
// text, where "PrivaSafe is the one" and "privasafe is the one" look the same, and a brand,
// a person or a country is told from an ordinary word only by its capital letters. This finds
// them in the original spelling, for the "names" matcher (docs/rules.md).
//
//   std::vector<WordSpelling> words = ...;   // each word: folded range + original spelling
//   std::vector<ByteRange> hits = find_names(folded, words);
//   // "we'd go with Kestrel Cargo Solutions" -> the range of "kestrel cargo solutions"
//
// A word is name-like when
// - it has a capital after a small letter anywhere ("PrivaSafe", "iPhone", "LockBoxHR"), or
// - it starts with a capital and has small letters ("Gareth", "Vardonia"), and it does not
//   start a sentence: the text before it, ignoring spaces, is a letter, a digit, ',', '&', ')'
//   or '-'. At the start of the text, after . ! ? : ; a line break, an emoji or a quote, a
//   capital says nothing. A sentence-initial capital still joins a name that follows it
//   ("Kestrel Cargo" at the start of a line is one name).
// All-capital words (acronyms, shouting: "ISO", "AGAIN", also "IET's") are not names, nor are
// "I" and its contractions, English days and months, or hashtags and @mentions (the entity
// matchers see those). A sentence-initial "The", "Our", "La"... never joins a name. Consecutive
// name-like words separated by one space or a hyphen form one hit ("Mei-Lin Tsao").
#pragma once

#include <string_view>
#include <vector>

#include "span.h"

namespace postguard {

struct WordSpelling {
  ByteRange folded;           // the word in the folded text
  std::string_view original;  // how the user typed it
};

std::vector<ByteRange> find_names(std::string_view folded, const std::vector<WordSpelling>& words);

}  // namespace postguard

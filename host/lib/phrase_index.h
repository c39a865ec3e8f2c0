// Every phrase list of a policy in one index, so a post's words are looked up once for all
// rules instead of once per rule (the RE2::Set idea applied to word sequences).
//
//   PhraseIndex index;
//   int list = index.add_list();
//   index.add_phrase(list, {{"draft", false}, {"standard", false}});  // "draft standard"
//   index.add_phrase(list, {{"confiden", true}});                     // "confiden*"
//   std::vector<std::vector<ByteRange>> hits = index.match(folded, words);
//   hits[list]  -> byte ranges of every occurrence, in order
//
// A word in the post also matches without its possessive, French elision or mention sign:
// "draft" matches "draft's", "oim" matches "l'OIM", "enfant*" matches "d'enfants", "iconews"
// matches "@ICOnews". The hit still covers the whole word.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "span.h"

namespace postguard {

struct PhraseWord {
  std::string text;  // folded
  bool prefix = false;  // written "word*": matches any word starting with text
};

class PhraseIndex {
 public:
  int add_list();
  void add_phrase(int list, std::vector<PhraseWord> words);
  int list_count() const { return list_count_; }

  // `words` are the word tokens of `folded`, in order (WordBreaker::split).
  std::vector<std::vector<ByteRange>> match(std::string_view folded,
                                            const std::vector<ByteRange>& words) const;

 private:
  struct Phrase {
    int list;
    std::vector<PhraseWord> words;
  };
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using Table = std::unordered_map<std::string, std::vector<int>, StringHash, std::equal_to<>>;

  void lookup(std::string_view folded, const std::vector<ByteRange>& words, size_t i,
              std::string_view first, std::vector<std::vector<ByteRange>>& hits) const;
  void match_at(std::string_view folded, const std::vector<ByteRange>& words, size_t i,
                const std::vector<int>& candidates,
                std::vector<std::vector<ByteRange>>& hits) const;

  std::vector<Phrase> phrases_;
  Table by_first_word_;    // phrases whose first word is exact
  Table by_first_prefix_;  // phrases whose first word is a prefix ("word*")
  std::vector<size_t> prefix_lengths_;  // distinct lengths of keys in by_first_prefix_
  int list_count_ = 0;
};

}  // namespace postguard

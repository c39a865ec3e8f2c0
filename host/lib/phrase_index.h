// Every phrase list of a policy in one word trie, so a post's words are looked up once for all
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
//
// Cost per post: for each word, one walk down the trie that stops as soon as no phrase
// continues, so thousands of phrases sharing a first word ("my ...") cost no more than one.
// A walk can branch, though: "confidential" enters both "confiden*" and "confidential*", and
// phrases built to overlap through wildcards could make one word continue thousands of them.
// max_lookups_per_word() bounds that over every possible post, and the rule compiler refuses
// a policy whose bound is over kMaxLookupsPerWord, so a check costs at most that many lookups
// per word.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "span.h"

namespace postguard {

struct PhraseWord {
  std::string text;     // folded
  bool prefix = false;  // written "word*": matches any word starting with text
};

class PhraseIndex {
 public:
  PhraseIndex();

  int add_list();
  void add_phrase(int list, std::vector<PhraseWord> words);
  int list_count() const { return list_count_; }

  // The most hash lookups match() can make for one start word, over all posts.
  uint64_t max_lookups_per_word() const;
  static constexpr uint64_t kMaxLookupsPerWord = 2000;

  // `words` are the word tokens of `folded`, in order (WordBreaker::split).
  std::vector<std::vector<ByteRange>> match(std::string_view folded,
                                            const std::vector<ByteRange>& words) const;

 private:
  struct Node {
    std::vector<int> lists;                // lists with a phrase ending here
    std::vector<uint32_t> prefix_lengths;  // distinct lengths of this node's "word*" edges
  };
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  // Edges of all nodes in two tables keyed by (node id bytes + word), which keeps the trie
  // compact: most nodes have one child.
  using Edges = std::unordered_map<std::string, int, StringHash, std::equal_to<>>;

  int child(Edges& edges, int node, std::string_view word);
  void children_of(int node, std::string_view word, std::string& key, std::vector<int>& out) const;

  std::vector<Node> nodes_;
  Edges exact_;
  Edges prefix_;
  int list_count_ = 0;
};

}  // namespace postguard

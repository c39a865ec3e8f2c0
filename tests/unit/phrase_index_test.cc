// The phrase trie's bound on the work one word of a post can cause: the rule compiler refuses
// packs over it, so it must never be below what match() really does.
#include <catch2/catch.hpp>

#include "phrase_index.h"

using postguard::PhraseIndex;
using postguard::PhraseWord;

namespace {

// "confiden*" -> {{"confiden", true}}; words split at spaces.
std::vector<PhraseWord> words_of(const std::string& phrase) {
  std::vector<PhraseWord> out;
  size_t i = 0;
  while (i < phrase.size()) {
    const size_t end = std::min(phrase.find(' ', i), phrase.size());
    std::string w = phrase.substr(i, end - i);
    const bool prefix = !w.empty() && w.back() == '*';
    if (prefix) w.pop_back();
    out.push_back({w, prefix});
    i = end + 1;
  }
  return out;
}

uint64_t bound(const std::vector<std::string>& phrases) {
  PhraseIndex index;
  const int list = index.add_list();
  for (const std::string& p : phrases) index.add_phrase(list, words_of(p));
  return index.max_lookups_per_word();
}

}  // namespace

TEST_CASE("phrase index: lookups per word count every branch a word can take", "[phrases][bound]") {
  // A word costs 2 lookups (as typed and bare) per node it reaches, plus 2 per wildcard length
  // tried there; a leaf reached costs its own 2.
  CHECK(bound({}) == 2);
  CHECK(bound({"secret"}) == 2 + 2);
  CHECK(bound({"top secret"}) == 2 + (2 + 2));
  // Two wildcards one word can both take ("confidentiality"): the root tries 2 lengths.
  CHECK(bound({"confiden*", "confidential*"}) == 2 * 3 + 2 + 2);
  // ... and an exact word the same word cannot also be, counted once with the longest chain.
  CHECK(bound({"confiden*", "confidential*", "confidential report"}) == 2 * 3 + (2 + 2) + 2 + 2);
  // A word with an elision reaches "l'oim" as typed and "oim" bare.
  CHECK(bound({"oim", "l'oim"}) == 2 + 2 + 2);
  // Wildcards multiply: each of 3 nested ones at the first word leads to 3 at the second.
  CHECK(bound({"abc* abc*", "abc* abcd*", "abc* abcde*", "abcd* abc*", "abcd* abcd*",
               "abcd* abcde*", "abcde* abc*", "abcde* abcd*", "abcde* abcde*"}) ==
        2 * 4 + 3 * (2 * 4 + 3 * 2));
}

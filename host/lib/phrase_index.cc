#include "phrase_index.h"

#include <algorithm>

namespace postguard {
namespace {

std::string_view word_at(std::string_view folded, ByteRange r) {
  return folded.substr(r.begin, r.end - r.begin);
}

bool matches_exactly(const PhraseWord& w, std::string_view token) {
  if (w.prefix) return token.size() >= w.text.size() && token.starts_with(w.text);
  return token == w.text;
}

// ICU keeps possessives, elisions and a mention's @ inside a word ("IOM's", "l'OIM",
// "d'enfants", "@ICOnews"), so without this a phrase would need every such form listed.
// French elided articles and pronouns come off the front, an English possessive off the back.
std::string_view bare_word(std::string_view token) {
  // ICU keeps the @ of a mention in the word; "@IOM" should match the phrase "iom".
  if (token.size() > 1 && token.front() == '@') token.remove_prefix(1);
  static constexpr std::string_view kElisions[] = {"jusqu'", "lorsqu'", "puisqu'", "qu'", "l'",
                                                   "d'",      "j'",      "m'",      "n'",  "s'",
                                                   "t'",      "c'"};
  for (std::string_view e : kElisions) {
    if (token.size() > e.size() && token.starts_with(e)) {
      token.remove_prefix(e.size());
      break;
    }
  }
  if (token.size() > 2 && token.ends_with("'s")) {
    token.remove_suffix(2);
  } else if (token.size() > 1 && token.ends_with('\'')) {
    token.remove_suffix(1);
  }
  return token;
}

bool word_matches(const PhraseWord& w, std::string_view token) {
  if (matches_exactly(w, token)) return true;
  const std::string_view bare = bare_word(token);
  return bare.size() != token.size() && matches_exactly(w, bare);
}

}  // namespace

int PhraseIndex::add_list() { return list_count_++; }

void PhraseIndex::add_phrase(int list, std::vector<PhraseWord> words) {
  if (words.empty()) return;
  const int id = static_cast<int>(phrases_.size());
  const PhraseWord& first = words.front();
  if (first.prefix) {
    by_first_prefix_[first.text].push_back(id);
    if (std::find(prefix_lengths_.begin(), prefix_lengths_.end(), first.text.size()) ==
        prefix_lengths_.end()) {
      prefix_lengths_.push_back(first.text.size());
    }
  } else {
    by_first_word_[first.text].push_back(id);
  }
  phrases_.push_back(Phrase{list, std::move(words)});
}

void PhraseIndex::match_at(std::string_view folded, const std::vector<ByteRange>& words,
                           size_t i, const std::vector<int>& candidates,
                           std::vector<std::vector<ByteRange>>& hits) const {
  for (int id : candidates) {
    const Phrase& p = phrases_[static_cast<size_t>(id)];
    if (i + p.words.size() > words.size()) continue;
    bool ok = true;
    for (size_t k = 1; k < p.words.size() && ok; ++k) {
      ok = word_matches(p.words[k], word_at(folded, words[i + k]));
    }
    if (!ok) continue;
    std::vector<ByteRange>& out = hits[static_cast<size_t>(p.list)];
    const ByteRange hit{words[i].begin, words[i + p.words.size() - 1].end};
    // Two phrases of one list can match at the same place ("draft" and "draft standard"):
    // keep the longer so the underline covers the whole phrase.
    if (!out.empty() && out.back().begin == hit.begin) {
      out.back().end = std::max(out.back().end, hit.end);
    } else {
      out.push_back(hit);
    }
  }
}

void PhraseIndex::lookup(std::string_view folded, const std::vector<ByteRange>& words, size_t i,
                         std::string_view first, std::vector<std::vector<ByteRange>>& hits) const {
  if (auto it = by_first_word_.find(first); it != by_first_word_.end()) {
    match_at(folded, words, i, it->second, hits);
  }
  for (size_t len : prefix_lengths_) {
    if (len > first.size()) continue;
    if (auto it = by_first_prefix_.find(first.substr(0, len)); it != by_first_prefix_.end()) {
      match_at(folded, words, i, it->second, hits);
    }
  }
}

std::vector<std::vector<ByteRange>> PhraseIndex::match(
    std::string_view folded, const std::vector<ByteRange>& words) const {
  std::vector<std::vector<ByteRange>> hits(static_cast<size_t>(list_count_));
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string_view token = word_at(folded, words[i]);
    const std::string_view bare = bare_word(token);
    lookup(folded, words, i, token, hits);
    if (bare.size() != token.size()) lookup(folded, words, i, bare, hits);
  }
  return hits;
}

}  // namespace postguard

#include "phrase_index.h"

#include <algorithm>
#include <cstring>

namespace postguard {
namespace {

constexpr int kRoot = 0;

std::string_view word_at(std::string_view folded, ByteRange r) {
  return folded.substr(r.begin, r.end - r.begin);
}

// ICU keeps possessives, elisions and a mention's @ inside a word ("IOM's", "l'OIM",
// "d'enfants", "@ICOnews"), so without this a phrase would need every such form listed.
// French elided articles and pronouns come off the front, an English possessive off the back.
std::string_view bare_word(std::string_view token) {
  // ICU keeps the @ of a mention in the word; "@IOM" should match the phrase "iom".
  if (token.size() > 1 && token.front() == '@') token.remove_prefix(1);
  static constexpr std::string_view kElisions[] = {
      "jusqu'", "lorsqu'", "puisqu'", "qu'", "l'", "d'", "j'", "m'", "n'", "s'", "t'", "c'"};
  if (token.find('\'') != std::string_view::npos) {
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
  }
  return token;
}

void set_node(std::string& key, int node) {
  key.resize(sizeof node);
  std::memcpy(key.data(), &node, sizeof node);
}

void add_hit(std::vector<ByteRange>& out, ByteRange hit) {
  // Two phrases of one list can match at the same place ("draft" and "draft standard"):
  // keep the longer so the underline covers the whole phrase.
  if (!out.empty() && out.back().begin == hit.begin) {
    out.back().end = std::max(out.back().end, hit.end);
  } else {
    out.push_back(hit);
  }
}

// Only a post word with an elision, a possessive or an @ has a bare form different from
// itself, and what it reaches beyond what its bare form reaches has one of these in its text.
bool special_label(std::string_view label) {
  return label.find('\'') != std::string_view::npos || label.starts_with('@');
}

}  // namespace

PhraseIndex::PhraseIndex() : nodes_(1) {}

int PhraseIndex::add_list() { return list_count_++; }

int PhraseIndex::child(Edges& edges, int node, std::string_view word) {
  std::string key;
  set_node(key, node);
  key.append(word);
  if (auto it = edges.find(key); it != edges.end()) return it->second;
  const int id = static_cast<int>(nodes_.size());
  nodes_.emplace_back();
  edges.emplace(std::move(key), id);
  return id;
}

void PhraseIndex::add_phrase(int list, std::vector<PhraseWord> words) {
  if (words.empty()) return;
  int node = kRoot;
  for (const PhraseWord& w : words) {
    const int parent = node;
    node = child(w.prefix ? prefix_ : exact_, parent, w.text);
    if (w.prefix) {
      std::vector<uint32_t>& lengths = nodes_[static_cast<size_t>(parent)].prefix_lengths;
      const auto len = static_cast<uint32_t>(w.text.size());
      if (std::find(lengths.begin(), lengths.end(), len) == lengths.end()) lengths.push_back(len);
    }
  }
  std::vector<int>& lists = nodes_[static_cast<size_t>(node)].lists;
  if (std::find(lists.begin(), lists.end(), list) == lists.end()) lists.push_back(list);
}

void PhraseIndex::children_of(int node, std::string_view word, std::string& key,
                              std::vector<int>& out) const {
  set_node(key, node);
  key.append(word);
  if (auto it = exact_.find(key); it != exact_.end()) out.push_back(it->second);
  for (uint32_t len : nodes_[static_cast<size_t>(node)].prefix_lengths) {
    if (len > word.size()) continue;
    set_node(key, node);
    key.append(word.substr(0, len));
    if (auto it = prefix_.find(key); it != prefix_.end()) out.push_back(it->second);
  }
}

std::vector<std::vector<ByteRange>> PhraseIndex::match(std::string_view folded,
                                                       const std::vector<ByteRange>& words) const {
  std::vector<std::vector<ByteRange>> hits(static_cast<size_t>(list_count_));
  std::vector<std::string_view> tokens, bares;
  tokens.reserve(words.size());
  bares.reserve(words.size());
  for (ByteRange r : words) {
    tokens.push_back(word_at(folded, r));
    bares.push_back(bare_word(tokens.back()));
  }
  std::string key;
  std::vector<int> frontier, next;
  for (size_t i = 0; i < words.size(); ++i) {
    frontier.assign(1, kRoot);
    for (size_t k = i; k < words.size() && !frontier.empty(); ++k) {
      next.clear();
      for (int node : frontier) {
        children_of(node, tokens[k], key, next);
        if (bares[k].size() != tokens[k].size()) children_of(node, bares[k], key, next);
      }
      std::sort(next.begin(), next.end());
      next.erase(std::unique(next.begin(), next.end()), next.end());
      for (int node : next) {
        for (int list : nodes_[static_cast<size_t>(node)].lists) {
          add_hit(hits[static_cast<size_t>(list)], {words[i].begin, words[k].end});
        }
      }
      frontier.swap(next);
    }
  }
  return hits;
}

uint64_t PhraseIndex::max_lookups_per_word() const {
  // cost[n]: lookups of a walk that has entered node n, for the worst rest of the post. A
  // child's id is always higher than its parent's, so one pass from the end sees children
  // first. A word enters at most one exact child and a chain of wildcard children (each a
  // prefix of the next), plus, through its bare form, children whose text is special_label().
  // Every node but the root has one parent edge; wildcard edges are few and kept per parent.
  struct Parent {
    int node = -1;
    bool special = false;
  };
  std::vector<Parent> exact_parent(nodes_.size());
  std::vector<std::vector<std::string_view>> wildcard_labels(nodes_.size());
  for (const auto& [key, child] : exact_) {
    Parent& p = exact_parent[static_cast<size_t>(child)];
    std::memcpy(&p.node, key.data(), sizeof p.node);
    p.special = special_label(std::string_view(key).substr(sizeof p.node));
  }
  for (const auto& [key, child] : prefix_) {
    int node;
    std::memcpy(&node, key.data(), sizeof node);
    wildcard_labels[static_cast<size_t>(node)].push_back(std::string_view(key).substr(sizeof node));
  }
  constexpr uint64_t kSaturated = uint64_t{1} << 48;
  std::vector<uint64_t> cost(nodes_.size(), 0);
  std::vector<uint64_t> best_exact(nodes_.size(), 0), best_special(nodes_.size(), 0);
  std::string key;
  for (size_t n = nodes_.size(); n-- > 0;) {
    const std::vector<uint32_t>& lengths = nodes_[n].prefix_lengths;
    uint64_t chain_best[2] = {0, 0};  // [0]: any wildcard children; [1]: special ones only
    for (std::string_view q : wildcard_labels[n]) {
      uint64_t chain[2] = {0, 0};
      for (uint32_t len : lengths) {
        if (len > q.size()) continue;
        set_node(key, static_cast<int>(n));
        key.append(q.substr(0, len));
        auto it = prefix_.find(key);
        if (it == prefix_.end()) continue;
        const uint64_t c = cost[static_cast<size_t>(it->second)];
        chain[0] += c;
        if (special_label(q.substr(0, len))) chain[1] += c;
      }
      chain_best[0] = std::max(chain_best[0], chain[0]);
      chain_best[1] = std::max(chain_best[1], chain[1]);
    }
    const uint64_t own = 2 * (1 + lengths.size());
    cost[n] =
        std::min(kSaturated, own + best_exact[n] + chain_best[0] + best_special[n] + chain_best[1]);
    if (const Parent& p = exact_parent[n]; p.node >= 0) {
      const auto parent = static_cast<size_t>(p.node);
      best_exact[parent] = std::max(best_exact[parent], cost[n]);
      if (p.special) best_special[parent] = std::max(best_special[parent], cost[n]);
    }
  }
  return cost[kRoot];
}

}  // namespace postguard

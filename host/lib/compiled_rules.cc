#include "compiled_rules.h"

#include <algorithm>
#include <cstdint>
#include <optional>

#include "entities.h"
#include "names.h"
#include "text_normalizer.h"
#include "twitter_length.h"
#include "utf.h"
#include "word_breaker.h"

namespace postguard {
namespace {

using Hits = std::vector<ByteRange>;

bool by_position(const ByteRange& a, const ByteRange& b) {
  return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
}

// Sorted, with overlapping hits merged: one underline per stretch of offending text.
Hits merged(Hits hits) {
  std::sort(hits.begin(), hits.end(), by_position);
  Hits out;
  for (const ByteRange& h : hits) {
    if (!out.empty() && h.begin < out.back().end) {
      out.back().end = std::max(out.back().end, h.end);
    } else {
      out.push_back(h);
    }
  }
  return out;
}

// Range maximum over a fixed array, and the first index in a range holding at least a value;
// both O(log n). What near() needs to find the nearest hit without scanning between hits.
class MaxTree {
 public:
  explicit MaxTree(const std::vector<size_t>& values) {
    while (size_ < values.size()) size_ *= 2;
    tree_.assign(2 * size_, 0);
    std::copy(values.begin(), values.end(), tree_.begin() + static_cast<std::ptrdiff_t>(size_));
    for (size_t i = size_ - 1; i > 0; --i) tree_[i] = std::max(tree_[2 * i], tree_[2 * i + 1]);
  }

  // The largest value in [lo, hi); 0 when the range is empty.
  size_t max(size_t lo, size_t hi) const { return max(1, 0, size_, lo, hi); }

  // The first index in [lo, hi) whose value is at least `v`, or `hi` if there is none.
  size_t first_at_least(size_t lo, size_t hi, size_t v) const {
    const size_t i = first(1, 0, size_, lo, hi, v);
    return i < hi ? i : hi;
  }

 private:
  size_t max(size_t node, size_t nlo, size_t nhi, size_t lo, size_t hi) const {
    if (hi <= nlo || nhi <= lo) return 0;
    if (lo <= nlo && nhi <= hi) return tree_[node];
    const size_t mid = (nlo + nhi) / 2;
    return std::max(max(2 * node, nlo, mid, lo, hi), max(2 * node + 1, mid, nhi, lo, hi));
  }
  size_t first(size_t node, size_t nlo, size_t nhi, size_t lo, size_t hi, size_t v) const {
    if (hi <= nlo || nhi <= lo || tree_[node] < v) return SIZE_MAX;
    if (nhi - nlo == 1) return nlo;
    const size_t mid = (nlo + nhi) / 2;
    const size_t left = first(2 * node, nlo, mid, lo, hi, v);
    return left != SIZE_MAX ? left : first(2 * node + 1, mid, nhi, lo, hi, v);
  }

  size_t size_ = 1;
  std::vector<size_t> tree_;
};

// One post's evaluation: the folded text, its words and the shared scans are computed
// once, then every rule's matcher tree reads from them.
class Evaluation {
 public:
  Evaluation(const CompiledRules& rules, std::string_view original, WordBreaker& breaker)
      : rules_(rules), original_(original), text_(normalize(original)) {
    words_ = breaker.split(text_.folded);
    phrase_hits_ = rules_.phrases.match(text_.folded, words_);
    regex_scan_ = rules_.regexes->scan(text_.folded, rules_.screens);
  }

  const NormalizedText& text() const { return text_; }

  Hits eval(int node_id, const CheckOptions& options) {
    const MatcherNode& n = rules_.nodes[static_cast<size_t>(node_id)];
    switch (n.kind) {
      case MatcherKind::phrases:
        return phrase_hits_[static_cast<size_t>(n.list)];
      case MatcherKind::regex:
        return rules_.regexes->find_all(regex_scan_, n.list, text_.folded);
      case MatcherKind::near:
        return near(eval(n.children[0], options), eval(n.children[1], options), n.number);
      case MatcherKind::any: {
        Hits all;
        for (int c : n.children) {
          Hits h = eval(c, options);
          all.insert(all.end(), h.begin(), h.end());
        }
        std::sort(all.begin(), all.end(), by_position);
        all.erase(std::unique(all.begin(), all.end()), all.end());
        return all;
      }
      case MatcherKind::all: {
        Hits first = eval(n.children[0], options);
        if (first.empty()) return {};
        for (size_t i = 1; i < n.children.size(); ++i) {
          if (eval(n.children[i], options).empty()) return {};
        }
        return first;
      }
      case MatcherKind::requires_: {
        Hits when = eval(n.children[0], options);
        if (when.empty()) return {};
        if (n.satisfied_by_bio && options.bio_disclaimer) return {};
        if (!eval(n.children[1], options).empty()) return {};
        return {when.front()};
      }
      case MatcherKind::count:
        return count(n.entity, n.number);
      case MatcherKind::words_per_hashtag:
        return long_hashtags(n.number);
      case MatcherKind::length:
        return too_long(n.measure, n.number);
      case MatcherKind::names:
        return names();
    }
    return {};
  }

 private:
  // Index of the first word that starts at or after byte `b`.
  size_t word_index(uint32_t b) const {
    return static_cast<size_t>(
        std::lower_bound(words_.begin(), words_.end(), b,
                         [](const ByteRange& w, uint32_t x) { return w.begin < x; }) -
        words_.begin());
  }

  struct WordSpan {
    size_t first;  // first word index covered
    size_t last;   // one past the last word covered
    ByteRange hit;
  };

  std::vector<WordSpan> in_words(const Hits& hits) const {
    std::vector<WordSpan> out;
    out.reserve(hits.size());
    for (const ByteRange& h : hits) out.push_back({word_index(h.begin), word_index(h.end), h});
    return out;
  }

  // Each hit of `a` that has a hit of `b` at most `within` words away, joined with the
  // nearest such hit (the first in text order among equally near ones; a hit never pairs with
  // an identical hit). O((|a| + |b|) log |b|) whatever the hits' lengths: one long hit of `b`
  // (a regex over a whole paragraph) must not make every hit of `a` look at every hit of `b`.
  Hits near(const Hits& a, const Hits& b, int within) const {
    if (a.empty() || b.empty()) return {};
    const std::vector<WordSpan> bs = in_words(b);  // sorted by hit, so also by first word
    std::vector<size_t> lasts(bs.size());
    for (size_t i = 0; i < bs.size(); ++i) lasts[i] = bs[i].last;
    const MaxTree tree(lasts);
    const auto w = static_cast<size_t>(within);
    Hits out;
    for (const WordSpan& x : in_words(a)) {
      // Hits of `b` starting at or before x's end; the rest lie wholly after x.
      const auto p = static_cast<size_t>(
          std::partition_point(bs.begin(), bs.end(),
                               [&](const WordSpan& s) { return s.first <= x.last; }) -
          bs.begin());
      // Identical hits sit together (b is sorted) and are skipped: [0, s) and [e, p) remain.
      const auto same = std::equal_range(
          bs.begin(), bs.end(), WordSpan{0, 0, x.hit},
          [](const WordSpan& l, const WordSpan& r) { return by_position(l.hit, r.hit); });
      const size_t s = std::min(static_cast<size_t>(same.first - bs.begin()), p);
      const size_t e = std::max(s, std::min(static_cast<size_t>(same.second - bs.begin()), p));
      auto first_reaching = [&](size_t word) {
        const size_t i = tree.first_at_least(0, s, word);
        return i < s ? i : tree.first_at_least(e, p, word);
      };
      std::optional<size_t> best;
      size_t gap = 0;  // words strictly between the two hits; 0 when they touch or overlap
      if (size_t i = first_reaching(x.first); i < p) {
        best = i;  // reaches x: touches or overlaps it
      } else if (s > 0 || e < p) {
        // None reaches x, so every hit before p ends before it: the nearest ends last.
        const size_t reach = std::max(tree.max(0, s), tree.max(e, p));
        best = first_reaching(reach);
        gap = x.first - reach;
      }
      if (p < bs.size() && (!best || bs[p].first - x.last < gap)) {
        best = p;
        gap = bs[p].first - x.last;
      }
      if (best && gap <= w) {
        const ByteRange& y = bs[*best].hit;
        out.push_back({std::min(x.hit.begin, y.begin), std::max(x.hit.end, y.end)});
      }
    }
    std::sort(out.begin(), out.end(), by_position);
    return out;
  }

  const Entities& entities() {
    if (!entities_) entities_ = find_entities(text_.folded);
    return *entities_;
  }

  Hits count(Entity what, int max) {
    const Entities& e = entities();
    const Hits& list = what == Entity::hashtags   ? e.hashtags
                       : what == Entity::mentions ? e.mentions
                                                  : e.urls;
    const auto limit = static_cast<size_t>(max);
    if (list.size() <= limit) return {};
    return {ByteRange{list[limit].begin, list.back().end}};
  }

  // The original spelling of a folded range: hashtag words need the case folding removed.
  std::string_view original_of(ByteRange r) {
    if (byte_of_utf16_.empty()) {
      byte_of_utf16_.resize(text_.source_utf16_length + 1, static_cast<uint32_t>(original_.size()));
      size_t i = 0;
      uint32_t u = 0;
      while (i < original_.size()) {
        const size_t start = i;
        const char32_t c = utf::next_code_point(original_, i);
        byte_of_utf16_[u] = static_cast<uint32_t>(start);
        u += c > 0xFFFF ? 2 : 1;
        if (c > 0xFFFF) byte_of_utf16_[u - 1] = static_cast<uint32_t>(start);
      }
    }
    const Span s = text_.to_source(r);
    const uint32_t b = byte_of_utf16_[s.start];
    const uint32_t e = byte_of_utf16_[s.end];
    return original_.substr(b, e - b);
  }

  Hits long_hashtags(int max_words) {
    Hits out;
    for (const ByteRange& h : entities().hashtags) {
      std::string_view tag = original_of(h);
      if (!tag.empty()) tag.remove_prefix(1);  // '#' (fullwidth '＃' is longer, but has no case)
      if (hashtag_word_count(tag) > max_words) out.push_back(h);
    }
    return out;
  }

  const Hits& names() {
    if (!names_) {
      std::vector<WordSpelling> words;
      words.reserve(words_.size());
      for (const ByteRange& w : words_) words.push_back({w, original_of(w)});
      names_ = find_names(text_.folded, words);
    }
    return *names_;
  }

  // The folded byte where the original's UTF-16 offset `u16` has been reached.
  std::optional<uint32_t> byte_at_utf16(uint32_t u16) const {
    auto it = std::lower_bound(text_.src_begin.begin(), text_.src_begin.end(), u16);
    if (it == text_.src_begin.end()) return std::nullopt;
    return static_cast<uint32_t>(it - text_.src_begin.begin());
  }

  Hits too_long(LengthMeasure measure, int max) {
    const auto limit = static_cast<size_t>(max);
    const auto end = static_cast<uint32_t>(text_.folded.size());
    std::optional<uint32_t> from;
    switch (measure) {
      case LengthMeasure::words:
        if (words_.size() > limit) from = words_[limit].begin;
        break;
      case LengthMeasure::twitter: {
        const TwitterLength n = twitter_length(original_, max);
        if (n.overflow_start) from = byte_at_utf16(*n.overflow_start);
        break;
      }
      case LengthMeasure::characters: {
        size_t i = 0;
        size_t count = 0;
        uint32_t u16 = 0;
        while (i < original_.size()) {
          if (count == limit) {
            from = byte_at_utf16(u16);
            break;
          }
          u16 += utf::next_code_point(original_, i) > 0xFFFF ? 2 : 1;
          ++count;
        }
        break;
      }
    }
    if (!from || *from >= end) return {};
    return {ByteRange{*from, end}};
  }

  const CompiledRules& rules_;
  std::string_view original_;
  NormalizedText text_;
  Hits words_;
  std::vector<Hits> phrase_hits_;
  RegexBank::Scan regex_scan_;
  std::optional<Entities> entities_;
  std::optional<Hits> names_;
  std::vector<uint32_t> byte_of_utf16_;
};

bool applies(const CompiledRule& r, const CheckOptions& o) {
  return std::find(r.roles.begin(), r.roles.end(), o.role) != r.roles.end() &&
         std::find(r.platforms.begin(), r.platforms.end(), o.platform) != r.platforms.end();
}

// `merged` is sorted and disjoint, so its ends increase too: one binary search per hit.
bool overlaps_any(const ByteRange& h, const Hits& merged) {
  auto it = std::partition_point(merged.begin(), merged.end(),
                                 [&](const ByteRange& e) { return e.end <= h.begin; });
  return it != merged.end() && it->begin < h.end;
}

}  // namespace

std::vector<Warning> CompiledRules::check(std::string_view text,
                                          const CheckOptions& options) const {
  // ICU break iterators are costly to create and not thread-safe: one per thread, reused.
  thread_local WordBreaker breaker;
  Evaluation ev(*this, text, breaker);
  std::vector<Warning> out;
  for (const CompiledRule& r : rules) {
    if (!applies(r, options)) continue;
    Hits hits = ev.eval(r.match, options);
    if (hits.empty()) continue;
    if (r.unless >= 0 && !ev.eval(r.unless, options).empty()) continue;
    if (r.except >= 0) {
      const Hits except = merged(ev.eval(r.except, options));
      std::erase_if(hits, [&](const ByteRange& h) { return overlaps_any(h, except); });
    }
    for (const ByteRange& h : merged(std::move(hits))) {
      if (h.end <= h.begin) continue;
      out.push_back(Warning{r.id, r.category, r.severity, r.message, r.clause, r.suggestion,
                            ev.text().to_source(h), r.fix});
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const Warning& a, const Warning& b) {
    return a.span.start != b.span.start ? a.span.start < b.span.start : a.rule < b.rule;
  });
  return out;
}

}  // namespace postguard

// Every regular expression of the loaded policies, parsed once with RE2 (linear time whatever
// the pattern, so no author can write a pattern that hangs the host) and screened together:
// one RE2::Set pass over a post says which patterns occur at all, and only those are then
// run for their spans. Identical patterns (shared packs used by several policies) are stored
// once. The per-pattern matchers are built on first use, which keeps start-up short.
//
//   RegexBank bank;
//   Expected<int> id = bank.add("\\bpassword\\b");   // Error carries RE2's message
//   bank.compile();                                   // once, after the last add()
//   RegexBank::Scan scan = bank.scan(folded);
//   std::vector<ByteRange> hits = bank.find_all(scan, *id, folded);
//
// scan() and find_all() are safe to call from several threads at once.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "expected.h"
#include "span.h"

namespace postguard {

class RegexBank {
 public:
  // Longest pattern accepted, in bytes; a bound on what one rule can cost to compile.
  static constexpr size_t kMaxPatternBytes = 2000;

  RegexBank();
  ~RegexBank();
  RegexBank(const RegexBank&) = delete;
  RegexBank& operator=(const RegexBank&) = delete;

  Expected<int> add(std::string_view pattern);
  // Returns an Error if the patterns together do not fit in memory.
  Expected<bool> compile();
  size_t size() const { return patterns_.size(); }

  struct Scan {
    std::vector<bool> matched;  // per pattern id: occurs somewhere in the text
  };
  Scan scan(std::string_view folded) const;
  // Zero-length matches are skipped: a pattern only ever underlines text.
  std::vector<ByteRange> find_all(const Scan& scan, int id, std::string_view folded) const;

 private:
  struct Pattern;  // the text and its lazily built RE2
  struct Screen;   // the RE2::Set (a nested class of RE2, so it cannot be declared here)
  std::vector<std::unique_ptr<Pattern>> patterns_;
  std::map<std::string, int, std::less<>> ids_;
  std::unique_ptr<Screen> screen_;
  bool compiled_ = false;
};

}  // namespace postguard

// Every regular expression of the loaded policies, compiled once with RE2 and screened
// together: a few RE2::Set passes over a post say which patterns occur at all, and only those
// are then run for their spans. Identical patterns (shared packs used by several policies) are
// stored once.
//
// RE2 runs in time linear in the text, but the constant is the automaton's: a DFA state is a
// set of pattern positions, and a screen's states combine the states of all its patterns. One
// pattern that keeps many positions alive on ordinary text (a quotation of 60 to 199
// characters, "(?:\w+ ){0,8}secret") then makes the combined automaton build a new state at
// almost every byte. So patterns are screened in groups of at most kPatternsPerScreen, which
// keeps such a pattern's cost to its own group, and each policy starts new groups, so a check
// runs only the screens of its own policy's patterns. On the corpus's posts one screen of the
// shipped 214 patterns cost about 2.5 ms per post; the five screens of iom cost about 25 us
// (docs/performance.md).
//
// Besides, add() refuses programs over kMaxProgramSize and a bank over kMaxTotalProgramSize
// (the work per character of an automaton that has to build states is proportional to them),
// and find_all() searches in windows so that a pattern which has to look far ahead to decide
// each match ("a(?:[^z]*z)?" on "aaaa...") is not rescanned to the end of the post for every
// match, which made it quadratic.
//
//   RegexBank bank;
//   Expected<int> id = bank.add("\\bpassword\\b");   // Error carries RE2's message
//   bank.compile();                                   // once, after the last add()
//   RegexBank::Scan scan = bank.scan(folded, bank.screens_of({*id}));
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
  // Largest compiled pattern, in RE2 instructions (RE2::ProgramSize). The shipped packs' largest
  // is 4 817 (a quotation of 200+ characters between typographic quotes); a pattern's worst-case
  // cost per character grows with this number.
  static constexpr int kMaxProgramSize = 10000;
  // All patterns of the bank (every loaded pack) together, which bounds the screens' size and
  // compile time. The shipped packs needed 59 561 in November 2026.
  static constexpr int64_t kMaxTotalProgramSize = 200000;
  // find_all(): the first kExactSearches searches of a post look at the rest of it; later ones
  // first look at kSearchWindowBytes past where they start, and accept a match only if it ends
  // at least kLookaheadBytes before the window's end (else they double the window), so a match
  // is cut short only when deciding it needs more lookahead than that.
  static constexpr size_t kExactSearches = 8;
  static constexpr size_t kSearchWindowBytes = 512;
  static constexpr size_t kLookaheadBytes = 256;
  static constexpr size_t kPatternsPerScreen = 32;

  RegexBank();
  ~RegexBank();
  RegexBank(const RegexBank&) = delete;
  RegexBank& operator=(const RegexBank&) = delete;

  Expected<int> add(std::string_view pattern);
  // Makes the next new pattern start a screen of its own. PolicySet calls it before each
  // policy, so checking one policy screens only the patterns its rules use.
  void start_screen() { new_screen_ = true; }
  // The screens that hold these patterns, sorted: what scan() needs for a policy.
  std::vector<int> screens_of(const std::vector<int>& ids) const;
  // Returns an Error if the patterns together do not fit in memory.
  Expected<bool> compile();
  size_t size() const { return patterns_.size(); }

  struct Scan {
    std::vector<bool> matched;  // per pattern id: occurs somewhere in the text
  };
  // Runs the given screens; patterns in other screens are left unmatched.
  Scan scan(std::string_view folded, const std::vector<int>& screens) const;
  // Zero-length matches are skipped: a pattern only ever underlines text. If bytes_searched is
  // given, the bytes handed to RE2 are added to it: RE2's time is linear in them, so this is
  // what tests use to show a search is linear in the post without timing it.
  std::vector<ByteRange> find_all(const Scan& scan, int id, std::string_view folded,
                                  size_t* bytes_searched = nullptr) const;

 private:
  struct Pattern;  // the text and its RE2
  struct Screen;   // an RE2::Set (a nested class of RE2, so it cannot be declared here)
  std::vector<std::unique_ptr<Pattern>> patterns_;
  std::map<std::string, int, std::less<>> ids_;
  std::vector<std::unique_ptr<Screen>> screens_;
  bool new_screen_ = true;
  int64_t total_program_size_ = 0;
  bool compiled_ = false;
};

}  // namespace postguard

// Every regular expression of a policy, compiled once with RE2 (linear time whatever the
// pattern, so no author can write a pattern that hangs the host) and screened together:
// one RE2::Set pass says which patterns occur at all, and only those are run for spans.
//
//   RegexBank bank;
//   Expected<int> id = bank.add("\\bpassword\\b");   // Error carries RE2's message
//   bank.compile();
//   RegexBank::Scan scan = bank.scan(folded);
//   std::vector<ByteRange> hits = bank.find_all(scan, *id, folded);
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "expected.h"
#include "span.h"

namespace re2 {
class RE2;
}  // namespace re2

namespace postguard {

class RegexBank {
 public:
  // Longest pattern accepted, in bytes; a bound on what one rule can cost to compile.
  static constexpr size_t kMaxPatternBytes = 2000;

  RegexBank();
  ~RegexBank();
  RegexBank(RegexBank&&) noexcept;
  RegexBank& operator=(RegexBank&&) noexcept;

  Expected<int> add(std::string_view pattern);
  // Call once after the last add(). Returns an Error if the set does not fit in memory.
  Expected<bool> compile();
  size_t size() const { return patterns_.size(); }

  struct Scan {
    std::vector<bool> matched;  // per pattern id: occurs somewhere in the text
  };
  Scan scan(std::string_view folded) const;
  std::vector<ByteRange> find_all(const Scan& scan, int id, std::string_view folded) const;

 private:
  std::vector<std::unique_ptr<re2::RE2>> patterns_;
  struct Screen;  // the RE2::Set (a nested class, so it cannot be declared here)
  std::unique_ptr<Screen> screen_;
};

}  // namespace postguard

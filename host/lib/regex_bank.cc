#include "regex_bank.h"

#include <re2/re2.h>
#include <re2/set.h>

namespace postguard {
namespace {

// Case-insensitive although the text is already folded, so that an author who writes
// "ISO" in a pattern still matches; the memory cap bounds the DFA an author can build.
RE2::Options pattern_options() {
  RE2::Options o;
  o.set_case_sensitive(false);
  o.set_log_errors(false);
  o.set_max_mem(int64_t{8} << 20);
  return o;
}

}  // namespace

struct RegexBank::Screen {
  explicit Screen(const RE2::Options& o) : set(o, RE2::UNANCHORED) {}
  RE2::Set set;
};

RegexBank::RegexBank() = default;
RegexBank::~RegexBank() = default;
RegexBank::RegexBank(RegexBank&&) noexcept = default;
RegexBank& RegexBank::operator=(RegexBank&&) noexcept = default;

Expected<int> RegexBank::add(std::string_view pattern) {
  if (pattern.size() > kMaxPatternBytes) {
    return Error{"regex is longer than " + std::to_string(kMaxPatternBytes) + " bytes"};
  }
  auto re = std::make_unique<RE2>(re2::StringPiece(pattern.data(), pattern.size()),
                                  pattern_options());
  if (!re->ok()) return Error{"regex does not compile: " + re->error()};
  if (RE2::PartialMatch("", *re)) {
    return Error{"regex matches empty text, so it would fire on every post"};
  }
  patterns_.push_back(std::move(re));
  return static_cast<int>(patterns_.size() - 1);
}

Expected<bool> RegexBank::compile() {
  if (patterns_.empty()) return true;
  RE2::Options o = pattern_options();
  o.set_max_mem(int64_t{64} << 20);
  auto screen = std::make_unique<Screen>(o);
  for (const auto& re : patterns_) {
    std::string error;
    if (screen->set.Add(re->pattern(), &error) < 0) return Error{"regex set: " + error};
  }
  if (!screen->set.Compile()) return Error{"the policy's regexes together need too much memory"};
  screen_ = std::move(screen);
  return true;
}

RegexBank::Scan RegexBank::scan(std::string_view folded) const {
  Scan s;
  s.matched.assign(patterns_.size(), false);
  if (!screen_) return s;
  std::vector<int> ids;
  screen_->set.Match(re2::StringPiece(folded.data(), folded.size()), &ids);
  for (int id : ids) s.matched[static_cast<size_t>(id)] = true;
  return s;
}

std::vector<ByteRange> RegexBank::find_all(const Scan& scan, int id,
                                           std::string_view folded) const {
  std::vector<ByteRange> hits;
  const auto index = static_cast<size_t>(id);
  if (index >= patterns_.size() || !scan.matched[index]) return hits;
  const RE2& re = *patterns_[index];
  const re2::StringPiece text(folded.data(), folded.size());
  re2::StringPiece m;
  size_t pos = 0;
  while (pos <= folded.size() && re.Match(text, pos, folded.size(), RE2::UNANCHORED, &m, 1)) {
    const auto begin = static_cast<size_t>(m.data() - folded.data());
    const size_t end = begin + m.size();
    if (end > begin) hits.push_back({static_cast<uint32_t>(begin), static_cast<uint32_t>(end)});
    // An empty match must still move on, and by a whole UTF-8 character.
    pos = end > begin ? end : end + 1;
    while (pos < folded.size() && (static_cast<unsigned char>(folded[pos]) & 0xC0) == 0x80) ++pos;
  }
  return hits;
}

}  // namespace postguard

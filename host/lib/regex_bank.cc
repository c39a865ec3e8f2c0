#include "regex_bank.h"

#include <mutex>

#include <re2/re2.h>
#include <re2/set.h>

namespace postguard {
namespace {

// Case-insensitive although the text is already folded, so that an author who writes
// "ISO" in a pattern still matches; the memory caps bound what an author can make RE2 build.
RE2::Options pattern_options(int64_t max_mem) {
  RE2::Options o;
  o.set_case_sensitive(false);
  o.set_log_errors(false);
  o.set_max_mem(max_mem);
  return o;
}

constexpr int64_t kPatternMemory = int64_t{8} << 20;
constexpr int64_t kScreenMemory = int64_t{64} << 20;

}  // namespace

struct RegexBank::Pattern {
  std::string text;
  mutable std::once_flag built;
  mutable std::unique_ptr<RE2> re;

  const RE2& get() const {
    std::call_once(built, [this] { re = std::make_unique<RE2>(text, pattern_options(kPatternMemory)); });
    return *re;
  }
};

struct RegexBank::Screen {
  Screen() : set(pattern_options(kScreenMemory), RE2::UNANCHORED) {}
  RE2::Set set;
};

RegexBank::RegexBank() : screen_(std::make_unique<Screen>()) {}
RegexBank::~RegexBank() = default;

Expected<int> RegexBank::add(std::string_view pattern) {
  if (pattern.size() > kMaxPatternBytes) {
    return Error{"regex is longer than " + std::to_string(kMaxPatternBytes) + " bytes"};
  }
  if (auto it = ids_.find(pattern); it != ids_.end()) return it->second;
  if (compiled_) return Error{"internal: regex added after compile"};
  std::string error;
  // Adding to the set parses the pattern, which is all validation needs.
  const int id = screen_->set.Add(re2::StringPiece(pattern.data(), pattern.size()), &error);
  if (id < 0) return Error{"regex does not compile: " + error};
  auto p = std::make_unique<Pattern>();
  p->text = std::string(pattern);
  patterns_.push_back(std::move(p));
  ids_.emplace(std::string(pattern), id);
  return id;
}

Expected<bool> RegexBank::compile() {
  if (compiled_) return true;
  compiled_ = true;
  if (patterns_.empty()) return true;
  if (!screen_->set.Compile()) return Error{"the regexes together need too much memory"};
  return true;
}

RegexBank::Scan RegexBank::scan(std::string_view folded) const {
  Scan s;
  s.matched.assign(patterns_.size(), false);
  if (!compiled_ || patterns_.empty()) return s;
  std::vector<int> ids;
  RE2::Set::ErrorInfo error{};
  if (!screen_->set.Match(re2::StringPiece(folded.data(), folded.size()), &ids, &error) &&
      error.kind != RE2::Set::kNoError) {
    // The screen's DFA ran out of its memory budget on this text. Nothing may be missed
    // because of that, so every pattern is run on its own instead (slower, still linear).
    s.matched.assign(patterns_.size(), true);
    return s;
  }
  for (int id : ids) s.matched[static_cast<size_t>(id)] = true;
  return s;
}

std::vector<ByteRange> RegexBank::find_all(const Scan& scan, int id,
                                           std::string_view folded) const {
  std::vector<ByteRange> hits;
  const auto index = static_cast<size_t>(id);
  if (index >= patterns_.size() || !scan.matched[index]) return hits;
  const RE2& re = patterns_[index]->get();
  if (!re.ok()) return hits;  // only when the pattern alone exceeds its memory cap
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

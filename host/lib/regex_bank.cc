#include "regex_bank.h"

#include <algorithm>

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

// RE2's messages name the construct but not why it is refused; authors coming from PCRE or
// JavaScript reach for these first.
std::string compile_error(const RE2& re) {
  std::string message = "regex does not compile: " + re.error();
  const std::string& arg = re.error_arg();
  if (re.error_code() == RE2::ErrorBadEscape && arg.size() == 2 && arg[1] >= '1' && arg[1] <= '9') {
    message += " (back-references are not supported)";
  } else if (arg == "(?=" || arg == "(?!") {
    message += " (look-ahead is not supported)";
  } else if (arg == "(?<") {
    message += " (look-behind is not supported; a named group is written (?P<name>...))";
  } else if (arg == "(?>") {
    message += " (atomic groups are not supported)";
  } else if (re.error_code() == RE2::ErrorRepeatOp && arg.size() == 2 && arg[1] == '+') {
    message += " (possessive quantifiers are not supported)";
  }
  return message;
}

bool continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

struct RegexBank::Pattern {
  std::string text;
  std::unique_ptr<RE2> re;
  int screen = 0;
};

struct RegexBank::Screen {
  Screen() : set(pattern_options(kScreenMemory), RE2::UNANCHORED) {}
  RE2::Set set;
  std::vector<int> ids;  // pattern id by index in the set
};

RegexBank::RegexBank() = default;
RegexBank::~RegexBank() = default;

Expected<int> RegexBank::add(std::string_view pattern) {
  if (pattern.size() > kMaxPatternBytes) {
    return Error{"regex is longer than " + std::to_string(kMaxPatternBytes) + " bytes"};
  }
  if (auto it = ids_.find(pattern); it != ids_.end()) return it->second;
  if (compiled_) return Error{"internal: regex added after compile"};
  const re2::StringPiece piece(pattern.data(), pattern.size());
  auto re = std::make_unique<RE2>(piece, pattern_options(kPatternMemory));
  if (re->error_code() == RE2::ErrorPatternTooLarge) {
    return Error{"regex is too complex: it compiles to more than " +
                 std::to_string(kMaxProgramSize) +
                 " instructions; split it or use a shorter repetition count"};
  }
  if (!re->ok()) return Error{compile_error(*re)};
  const int size = re->ProgramSize();
  if (size > kMaxProgramSize) {
    return Error{"regex is too complex: it compiles to " + std::to_string(size) +
                 " instructions, more than " + std::to_string(kMaxProgramSize) +
                 "; split it or use a shorter repetition count"};
  }
  if (total_program_size_ + size > kMaxTotalProgramSize) {
    return Error{"regex does not fit: the regexes of all loaded packs together would compile to " +
                 std::to_string(total_program_size_ + size) + " instructions, more than " +
                 std::to_string(kMaxTotalProgramSize)};
  }
  if (new_screen_ || screens_.empty() || screens_.back()->ids.size() == kPatternsPerScreen) {
    screens_.push_back(std::make_unique<Screen>());
    new_screen_ = false;
  }
  Screen& screen = *screens_.back();
  std::string error;
  // RE2 has just compiled the pattern alone, so this is not expected to fail.
  if (screen.set.Add(piece, &error) < 0) return Error{"regex does not compile: " + error};
  const auto id = static_cast<int>(patterns_.size());
  screen.ids.push_back(id);
  total_program_size_ += size;
  auto p = std::make_unique<Pattern>();
  p->text = std::string(pattern);
  p->re = std::move(re);
  p->screen = static_cast<int>(screens_.size() - 1);
  patterns_.push_back(std::move(p));
  ids_.emplace(std::string(pattern), id);
  return id;
}

Expected<bool> RegexBank::compile() {
  if (compiled_) return true;
  compiled_ = true;
  for (const auto& screen : screens_) {
    if (!screen->ids.empty() && !screen->set.Compile()) {
      return Error{"the regexes together need too much memory"};
    }
  }
  return true;
}

std::vector<int> RegexBank::screens_of(const std::vector<int>& ids) const {
  std::vector<int> out;
  for (int id : ids) {
    if (id >= 0 && static_cast<size_t>(id) < patterns_.size()) {
      out.push_back(patterns_[static_cast<size_t>(id)]->screen);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

RegexBank::Scan RegexBank::scan(std::string_view folded, const std::vector<int>& screens) const {
  Scan s;
  s.matched.assign(patterns_.size(), false);
  if (!compiled_) return s;
  const re2::StringPiece text(folded.data(), folded.size());
  std::vector<int> found;
  for (int k : screens) {
    if (k < 0 || static_cast<size_t>(k) >= screens_.size()) continue;
    const Screen& screen = *screens_[static_cast<size_t>(k)];
    if (screen.ids.empty()) continue;
    RE2::Set::ErrorInfo error{};
    found.clear();
    if (!screen.set.Match(text, &found, &error) && error.kind != RE2::Set::kNoError) {
      // The screen's DFA ran out of its memory budget on this text. Nothing may be missed
      // because of that, so its patterns are run on their own instead (slower, still linear).
      for (int id : screen.ids) s.matched[static_cast<size_t>(id)] = true;
      continue;
    }
    for (int i : found) s.matched[static_cast<size_t>(screen.ids[static_cast<size_t>(i)])] = true;
  }
  return s;
}

std::vector<ByteRange> RegexBank::find_all(const Scan& scan, int id, std::string_view folded,
                                           size_t* bytes_searched) const {
  std::vector<ByteRange> hits;
  const auto index = static_cast<size_t>(id);
  if (index >= patterns_.size() || !scan.matched[index]) return hits;
  const RE2& re = *patterns_[index]->re;
  const size_t n = folded.size();
  // RE2 sees the whole text as context, so \b, ^ and $ at a window's edge look at the real
  // neighbouring characters; only how far the match itself may reach is limited.
  const re2::StringPiece text(folded.data(), n);
  size_t pos = 0;
  size_t stride = 0;  // how far the last search moved on
  for (size_t searches = 0; pos <= n; ++searches) {
    re2::StringPiece m;
    bool found = false;
    // The first searches look at the whole rest of the post, which costs at most
    // kExactSearches times its length and is all that posts with a few hits ever need. Later
    // ones start from twice the last stride, so hits spread evenly are found at the first try.
    size_t window = searches < kExactSearches ? n : std::max(kSearchWindowBytes, 2 * stride);
    for (;; window *= 2) {
      size_t end = n - pos <= window ? n : pos + window;
      while (end > pos && end < n && continuation_byte(folded[end])) --end;
      found = re.Match(text, pos, end, RE2::UNANCHORED, &m, 1);
      if (bytes_searched != nullptr) *bytes_searched += end - pos;
      if (end == n) break;
      // Each failed try costs at most its window and windows double, so the search from
      // `pos` costs at most about twice the stretch it finally looked at.
      if (found &&
          static_cast<size_t>(m.data() - folded.data()) + m.size() + kLookaheadBytes <= end) {
        break;
      }
    }
    if (!found) break;
    const auto begin = static_cast<size_t>(m.data() - folded.data());
    const size_t end = begin + m.size();
    if (end > begin) hits.push_back({static_cast<uint32_t>(begin), static_cast<uint32_t>(end)});
    // An empty match must still move on, and by a whole UTF-8 character.
    const size_t from = pos;
    pos = end > begin ? end : end + 1;
    while (pos < n && continuation_byte(folded[pos])) ++pos;
    stride = pos - from;
  }
  return hits;
}

}  // namespace postguard

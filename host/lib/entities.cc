#include "entities.h"

#include <unicode/uchar.h>

#include <algorithm>
#include <array>
#include <cstddef>

#include "utf.h"

namespace postguard {

namespace {

// Bare domains only count with one of these (a link with a scheme or "www." needs none).
// Deliberately modest: every TLD added turns more "word.word" typos into links.
constexpr auto kTlds = std::to_array<std::string_view>({
    "ae",   "ai",  "app", "ar",  "at",   "au", "be",  "bg", "biz", "br",     "ca",  "ch",
    "cl",   "cn",  "co",  "com", "cz",   "de", "dev", "dk", "edu", "ee",     "eg",  "es",
    "eu",   "fi",  "fr",  "gh",  "gov",  "gr", "hk",  "hr", "hu",  "ie",     "il",  "in",
    "info", "int", "io",  "it",  "jp",   "ke", "kr",  "lt", "lu",  "lv",     "ly",  "ma",
    "me",   "mil", "mx",  "net", "news", "ng", "nl",  "no", "nz",  "online", "org", "pe",
    "ph",   "pk",  "pl",  "pt",  "ro",   "rs", "ru",  "rw", "se",  "sg",     "si",  "sk",
    "tr",   "tv",  "tw",  "tz",  "ua",   "ug", "uk",  "us", "uy",  "vn",     "xyz", "za",
});
static_assert(std::is_sorted(kTlds.begin(), kTlds.end()), "is_known_tld binary-searches kTlds");

bool is_ascii_alnum(unsigned char b) {
  return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z');
}

char ascii_lower(char ch) {
  return (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : ch;
}

bool iequals_at(std::string_view s, size_t pos, std::string_view lit) {
  if (s.size() - pos < lit.size()) return false;
  for (size_t k = 0; k < lit.size(); ++k) {
    if (ascii_lower(s[pos + k]) != lit[k]) return false;
  }
  return true;
}

bool is_known_tld(std::string_view label) {
  if (label.empty() || label.size() > 6) return false;
  std::array<char, 6> buf{};
  for (size_t k = 0; k < label.size(); ++k) buf[k] = ascii_lower(label[k]);
  const std::string_view lower(buf.data(), label.size());
  return std::binary_search(kTlds.begin(), kTlds.end(), lower);
}

uint32_t gc_mask(char32_t c) { return U_GET_GC_MASK(static_cast<UChar32>(c)); }

bool is_letter(char32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  return (gc_mask(c) & U_GC_L_MASK) != 0;
}
bool is_digit(char32_t c) {
  if (c < 0x80) return c >= '0' && c <= '9';
  return (gc_mask(c) & U_GC_ND_MASK) != 0;
}
bool is_mark(char32_t c) { return c >= 0x80 && (gc_mask(c) & U_GC_M_MASK) != 0; }

// The code point that ends just before byte `pos` (0 at the start of the text).
char32_t code_point_before(std::string_view s, size_t pos) {
  if (pos == 0) return 0;
  size_t start = pos - 1;
  while (start > 0 && pos - start < 4 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) {
    --start;
  }
  size_t i = start;
  return utf::next_code_point(s, i);
}

char32_t code_point_at(std::string_view s, size_t pos) {
  size_t i = pos;
  return utf::next_code_point(s, i);
}

// `taken` is sorted and its ranges disjoint, so their ends are sorted too.
bool overlaps(const std::vector<ByteRange>& taken, size_t b, size_t e) {
  const auto first_ending_after_b = std::partition_point(
      taken.begin(), taken.end(), [&](const ByteRange& r) { return r.end <= b; });
  return first_ending_after_b != taken.end() && first_ending_after_b->begin < e;
}

ByteRange range(size_t b, size_t e) { return {static_cast<uint32_t>(b), static_cast<uint32_t>(e)}; }

// ---------------------------------------------------------------------------------------
// Links

bool is_label_byte(unsigned char b) { return is_ascii_alnum(b) || b == '-'; }

// Characters a link can contain after its host. Spaces, quotes and angle brackets end it, and
// so does non-ASCII that is not a letter, mark or digit (emoji, CJK punctuation).
bool is_url_char(char32_t c) {
  if (c < 0x80) {
    if (c <= 0x20 || c == 0x7F) return false;
    switch (c) {
      case '<':
      case '>':
      case '"':
      case '`':
      case '{':
      case '}':
      case '|':
      case '\\':
      case '^':
        return false;
      default:
        return true;
    }
  }
  return is_letter(c) || is_digit(c) || is_mark(c);
}

// Where the link body that starts at `pos` ends, trailing punctuation excluded: . , ; : ! ?
// ' " end the sentence, not the link, and so does a closing bracket the link did not open
// (wikipedia.org/wiki/Foo_(bar) keeps its bracket).
size_t url_body_end(std::string_view s, size_t pos) {
  size_t i = pos;
  while (i < s.size()) {
    size_t next = i;
    if (!is_url_char(utf::next_code_point(s, next))) break;
    i = next;
  }
  const std::string_view body = s.substr(pos, i - pos);
  // Counted once, kept up to date while trimming, so a run of brackets stays linear.
  auto paren =
      std::count(body.begin(), body.end(), ')') - std::count(body.begin(), body.end(), '(');
  auto square =
      std::count(body.begin(), body.end(), ']') - std::count(body.begin(), body.end(), '[');
  while (i > pos) {
    const char last = s[i - 1];
    if (last == ')' && paren > 0) {
      --paren;
    } else if (last == ']' && square > 0) {
      --square;
    } else if (std::string_view(".,;:!?'\"").find(last) == std::string_view::npos) {
      break;
    }
    --i;
  }
  return i;
}

// Dot-separated labels starting at `pos`; returns the end of the host and the start of its
// last label, or pos when there are fewer than two labels.
size_t scan_host(std::string_view s, size_t pos, size_t& last_label) {
  size_t i = pos;
  size_t end = pos;
  int labels = 0;
  while (i < s.size() && is_label_byte(static_cast<unsigned char>(s[i]))) {
    const size_t label_start = i;
    while (i < s.size() && is_label_byte(static_cast<unsigned char>(s[i]))) ++i;
    ++labels;
    last_label = label_start;
    end = i;
    if (i + 1 < s.size() && s[i] == '.' && is_label_byte(static_cast<unsigned char>(s[i + 1]))) {
      ++i;
    } else {
      break;
    }
  }
  return labels >= 2 ? end : pos;
}

// After a bare host: an optional :port, then a path, query or fragment if one follows.
size_t bare_url_end(std::string_view s, size_t host_end) {
  size_t i = host_end;
  if (i + 1 < s.size() && s[i] == ':' && s[i + 1] >= '0' && s[i + 1] <= '9') {
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  }
  if (i < s.size() && (s[i] == '/' || s[i] == '?' || s[i] == '#')) {
    return std::max(url_body_end(s, host_end), host_end);
  }
  return i;
}

// A bare domain or "www." must not continue a word, a path or an address.
bool starts_bare_link(std::string_view s, size_t pos) {
  const char32_t p = code_point_before(s, pos);
  if (p == 0) return true;
  if (is_letter(p) || is_digit(p) || is_mark(p)) return false;
  switch (p) {
    case '-':
    case '_':
    case '.':
    case '@':
    case '/':
    case ':':
    case '#':
    case '$':
    case '&':
      return false;
    default:
      return true;
  }
}

void find_urls(std::string_view s, const std::vector<ByteRange>& emails,
               std::vector<ByteRange>& urls) {
  size_t i = 0;
  while (i < s.size()) {
    if (!is_ascii_alnum(static_cast<unsigned char>(s[i]))) {
      ++i;
      continue;
    }
    // Every link starts with a run of label characters followed by ':' (a scheme) or '.'
    // (a host); most words are neither and are skipped after one look at what follows.
    size_t run_end = i;
    while (run_end < s.size() && is_label_byte(static_cast<unsigned char>(s[run_end]))) ++run_end;
    const char follower = run_end < s.size() ? s[run_end] : '\0';
    size_t end = i;
    if (follower == ':' && (iequals_at(s, i, "http://") || iequals_at(s, i, "https://"))) {
      const char32_t before = code_point_before(s, i);
      const size_t host = s.find("//", i) + 2;
      if (!is_letter(before) && !is_digit(before) && host < s.size() && s[host] != '/' &&
          is_url_char(code_point_at(s, host))) {
        end = std::max(url_body_end(s, host), i);
        if (end <= host) end = i;
      }
    } else if (follower == '.' && starts_bare_link(s, i)) {
      size_t last_label = i;
      const bool www = iequals_at(s, i, "www.");
      const size_t host_end = scan_host(s, i, last_label);
      const bool host_ok = host_end > i && (!www || last_label > i + 4);
      if (host_ok && (www || is_known_tld(s.substr(last_label, host_end - last_label)))) {
        // The TLD must end the word: "example.community" is not "example.com" + "munity".
        const char32_t after = host_end < s.size() ? code_point_at(s, host_end) : 0;
        if (!(is_letter(after) || is_digit(after) || is_mark(after) || after == '_' ||
              after == '@')) {
          end = bare_url_end(s, host_end);
        }
      }
    }
    if (end > i && !overlaps(emails, i, end)) {
      urls.push_back(range(i, end));
      i = end;
    } else {
      i = run_end;  // a link never starts inside a run of label characters
    }
  }
}

// ---------------------------------------------------------------------------------------
// E-mail addresses, mentions, hashtags

bool is_local_part_byte(unsigned char b) {
  return is_ascii_alnum(b) || b == '.' || b == '_' || b == '%' || b == '+' || b == '-';
}

void find_emails(std::string_view s, std::vector<ByteRange>& emails) {
  for (size_t at = s.find('@'); at != std::string_view::npos; at = s.find('@', at + 1)) {
    size_t b = at;
    while (b > 0 && is_local_part_byte(static_cast<unsigned char>(s[b - 1]))) --b;
    while (b < at && s[b] == '.') ++b;  // "see.jo@x.org" keeps the dot; "...jo@" does not
    if (b == at) continue;
    const char32_t before = code_point_before(s, b);
    if (is_letter(before) || is_digit(before) || is_mark(before)) continue;
    if (!emails.empty() && b < emails.back().end) continue;  // "a@b.org@c.org": one address
    size_t last_label = at + 1;
    const size_t host_end = scan_host(s, at + 1, last_label);
    if (host_end == at + 1) continue;
    const std::string_view tld = s.substr(last_label, host_end - last_label);
    if (tld.size() < 2 || !std::all_of(tld.begin(), tld.end(), [](char ch) {
          return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
        })) {
      continue;
    }
    emails.push_back(range(b, host_end));
  }
}

bool is_handle_char(char32_t c) { return c == '_' || is_letter(c) || is_digit(c) || is_mark(c); }

void find_mentions(std::string_view s, const std::vector<ByteRange>& taken,
                   std::vector<ByteRange>& mentions) {
  for (size_t at = s.find('@'); at != std::string_view::npos; at = s.find('@', at + 1)) {
    const char32_t before = code_point_before(s, at);
    if (before == '_' || is_letter(before) || is_digit(before) || is_mark(before)) continue;
    size_t end = at + 1;
    while (end < s.size()) {
      size_t next = end;
      if (!is_handle_char(utf::next_code_point(s, next))) break;
      end = next;
    }
    if (end == at + 1 || overlaps(taken, at, end)) continue;
    mentions.push_back(range(at, end));
  }
}

bool is_hashtag_char(char32_t c) { return c == '_' || is_letter(c) || is_digit(c) || is_mark(c); }

void find_hashtags(std::string_view s, const std::vector<ByteRange>& taken,
                   std::vector<ByteRange>& hashtags) {
  for (size_t h = s.find('#'); h != std::string_view::npos; h = s.find('#', h + 1)) {
    const char32_t before = code_point_before(s, h);
    if (before == '&' || is_letter(before) || is_digit(before) || is_mark(before)) continue;
    size_t end = h + 1;
    bool non_digit = false;
    while (end < s.size()) {
      size_t next = end;
      const char32_t c = utf::next_code_point(s, next);
      if (!is_hashtag_char(c)) break;
      if (!is_digit(c)) non_digit = true;
      end = next;
    }
    if (!non_digit || overlaps(taken, h, end)) continue;
    hashtags.push_back(range(h, end));
  }
}

}  // namespace

Entities find_entities(std::string_view folded) {
  Entities e;
  // E-mail addresses first: their domains must not be reported as links, nor their '@' as
  // mentions; then links, which can contain both '@' (medium.com/@user) and '#' (fragments).
  find_emails(folded, e.emails);
  find_urls(folded, e.emails, e.urls);
  std::vector<ByteRange> taken = e.emails;
  taken.insert(taken.end(), e.urls.begin(), e.urls.end());
  std::sort(taken.begin(), taken.end(),
            [](const ByteRange& a, const ByteRange& b) { return a.begin < b.begin; });
  find_mentions(folded, taken, e.mentions);
  find_hashtags(folded, taken, e.hashtags);
  return e;
}

int hashtag_word_count(std::string_view original_hashtag_utf8) {
  std::string_view s = original_hashtag_utf8;
  if (s.starts_with("#")) {
    s.remove_prefix(1);
  } else if (s.starts_with("\xEF\xBC\x83")) {  // U+FF03 FULLWIDTH NUMBER SIGN
    s.remove_prefix(3);
  }
  enum class Kind { none, upper, lower, caseless, digit };
  int words = 0;
  Kind prev = Kind::none;
  size_t i = 0;
  while (i < s.size()) {
    const char32_t c = utf::next_code_point(s, i);
    Kind k = Kind::none;
    if (is_digit(c)) {
      k = Kind::digit;
    } else if (is_letter(c)) {
      const auto u = static_cast<UChar32>(c);
      k = (u_isupper(u) || u_istitle(u)) ? Kind::upper
          : u_islower(u)                 ? Kind::lower
                                         : Kind::caseless;
    } else if (is_mark(c)) {
      continue;  // a combining accent belongs to the letter before it
    }
    if (k == Kind::none) {  // '_' or anything else separates words
      prev = Kind::none;
      continue;
    }
    // A word starts at the beginning, after a separator, between letters and digits
    // ("COVID19") and at a lower->upper change ("worldRefugee").
    bool starts_word = prev == Kind::none || (prev == Kind::digit) != (k == Kind::digit) ||
                       (prev == Kind::lower && k == Kind::upper);
    if (!starts_word && prev == Kind::upper && k == Kind::upper) {
      // An all-caps run is one word ("ISO") unless its last capital starts a capitalised
      // word ("NASAMission" -> "NASA" + "Mission").
      size_t j = i;
      const char32_t next = j < s.size() ? utf::next_code_point(s, j) : 0;
      starts_word = next != 0 && u_islower(static_cast<UChar32>(next));
    }
    if (starts_word) ++words;
    prev = k;
  }
  return words;
}

}  // namespace postguard

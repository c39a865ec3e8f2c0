#include "cli_text_report.h"

#include <algorithm>
#include <array>
#include <memory>
#include <string>

#include <unicode/brkiter.h>
#include <unicode/uchar.h>
#include <unicode/utext.h>

#include "utf.h"

namespace postguard::cli {
namespace {

bool is_control(char32_t c) { return c < 0x20 || (c >= 0x7F && c < 0xA0); }

int code_point_width(char32_t c) {
  const auto cp = static_cast<UChar32>(c);
  // VS16 asks for the emoji presentation of the character before it ("❤️"), which is wide.
  if (c == 0xFE0F) return 2;
  const int8_t type = u_charType(cp);
  if (type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK || type == U_FORMAT_CHAR) return 0;
  const auto east_asian = u_getIntPropertyValue(cp, UCHAR_EAST_ASIAN_WIDTH);
  if (east_asian == U_EA_WIDE || east_asian == U_EA_FULLWIDTH) return 2;
  if (u_hasBinaryProperty(cp, UCHAR_EMOJI_PRESENTATION)) return 2;
  return 1;
}

// A user-perceived character: terminals draw an emoji ZWJ sequence, a flag or a base with its
// marks as one glyph, as wide as its widest part.
int cluster_width(std::string_view cluster) {
  int width = 0;
  for (std::size_t i = 0; i < cluster.size();) {
    width = std::max(width, code_point_width(utf::next_code_point(cluster, i)));
  }
  return width;
}

// Calls f(cluster) for each grapheme cluster of `utf8`, in order.
template <class F>
void for_each_cluster(std::string_view utf8, F f) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::BreakIterator> breaks(
      icu::BreakIterator::createCharacterInstance(icu::Locale::getRoot(), status));
  UText* text = utext_openUTF8(nullptr, utf8.data(), static_cast<int64_t>(utf8.size()), &status);
  if (U_FAILURE(status)) {
    // Without ICU data, fall back to one code point per character: still readable output.
    utext_close(text);
    for (std::size_t i = 0, begin = 0; i < utf8.size(); begin = i) {
      utf::next_code_point(utf8, i);
      f(utf8.substr(begin, i - begin));
    }
    return;
  }
  breaks->setText(text, status);
  for (int32_t begin = breaks->first(), end = breaks->next(); end != icu::BreakIterator::DONE;
       begin = end, end = breaks->next()) {
    f(utf8.substr(static_cast<std::size_t>(begin), static_cast<std::size_t>(end - begin)));
  }
  utext_close(text);
}

// The line as shown: control characters other than tab would move the cursor or worse, so
// they show as U+FFFD.
std::string printable(std::string_view line) {
  std::string shown;
  for (std::size_t i = 0; i < line.size();) {
    const std::size_t begin = i;
    const char32_t c = utf::next_code_point(line, i);
    if (c != '\t' && is_control(c)) {
      utf::append_utf8(shown, U'\uFFFD');
    } else {
      shown.append(line.substr(begin, i - begin));
    }
  }
  return shown;
}

// Blanks as wide as `prefix`, keeping its tabs so the terminal expands both lines alike.
std::string padding_for(std::string_view prefix) {
  std::string pad;
  for_each_cluster(prefix, [&](std::string_view cluster) {
    if (cluster == "\t") {
      pad += '\t';
    } else {
      pad.append(static_cast<std::size_t>(cluster_width(cluster)), ' ');
    }
  });
  return pad;
}

std::size_t byte_offset(std::string_view text, uint32_t utf16) {
  return std::min(utf::byte_offset_of_utf16(text, utf16).value_or(text.size()), text.size());
}

std::string fix_description(const Fix& fix) {
  switch (fix.kind) {
    case Fix::Kind::append:
      return "append \"" + fix.text + "\"";
    case Fix::Kind::replace:
      return "replace with \"" + fix.text + "\"";
    case Fix::Kind::remove:
      return "remove";
  }
  return "";
}

void write_warning(std::ostream& out, std::string_view name, std::string_view text,
                   const Warning& w) {
  const std::size_t start = byte_offset(text, w.span.start);
  const std::size_t end = std::max(start, byte_offset(text, w.span.end));
  const std::size_t newline_before = text.substr(0, start).rfind('\n');
  const std::size_t line_begin = newline_before == std::string_view::npos ? 0 : newline_before + 1;
  std::size_t line_end = std::min(text.find('\n', start), text.size());
  if (line_end > line_begin && text[line_end - 1] == '\r') --line_end;  // CRLF files
  const std::size_t underline_end = std::clamp(end, start, std::max(start, line_end));

  const auto line_number = 1 + std::count(text.begin(), text.begin() + line_begin, '\n');
  const std::string_view before = text.substr(line_begin, start - line_begin);
  std::size_t column = 1;
  for (std::size_t i = 0; i < before.size(); ++column) utf::next_code_point(before, i);

  const std::string number = std::to_string(line_number);
  const std::string shown = printable(text.substr(line_begin, line_end - line_begin));
  const int carets = std::max(1, display_width(text.substr(start, underline_end - start)));
  out << name << ':' << number << ':' << column << '\n';
  out << ' ' << number << " |" << (shown.empty() ? "" : " ") << shown << '\n';
  out << ' ' << std::string(number.size(), ' ') << " | " << padding_for(before)
      << std::string(static_cast<std::size_t>(carets), '^') << '\n';
  out << to_string(w.severity) << " [" << to_string(w.category) << "] " << w.rule << ": "
      << w.message << '\n';
  if (!w.clause.empty()) out << "  clause: " << w.clause << '\n';
  if (!w.suggestion.empty()) out << "  suggestion: " << w.suggestion << '\n';
  if (w.fix) out << "  fix: " << fix_description(*w.fix) << '\n';
}

}  // namespace

int display_width(std::string_view utf8) {
  int width = 0;
  for_each_cluster(utf8, [&](std::string_view cluster) {
    width += cluster == "\t" ? 1 : cluster_width(cluster);
  });
  return width;
}

void write_text_report(std::ostream& out, std::string_view name, std::string_view text,
                       const std::vector<Warning>& warnings) {
  for (const Warning& w : warnings) {
    write_warning(out, name, text, w);
    out << '\n';
  }
  out << summary_line(warnings) << '\n';
}

std::string plural(std::size_t n, std::string_view word) {
  return std::to_string(n) + " " + std::string(word) + (n == 1 ? "" : "s");
}

std::string summary_line(const std::vector<Warning>& warnings) {
  if (warnings.empty()) return "No warnings.";
  std::array<std::size_t, 3> by_severity{};  // indexed by Severity
  for (const Warning& w : warnings) ++by_severity[static_cast<std::size_t>(w.severity)];
  std::string details;
  auto add = [&](std::size_t n, const std::string& detail) {
    if (n == 0) return;
    if (!details.empty()) details += ", ";
    details += detail;
  };
  add(by_severity[2], plural(by_severity[2], "error"));
  add(by_severity[1], plural(by_severity[1], "warning"));
  add(by_severity[0], std::to_string(by_severity[0]) + " info");
  return plural(warnings.size(), "warning") + " (" + details + ")";
}

}  // namespace postguard::cli

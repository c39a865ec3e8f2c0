// The human-readable report of `postguard check --format text`:
//
//   post.txt:2:3
//    2 | 😀 top secret plan
//      |    ^^^^^^^^^^
//   error [confidentiality] demo.secret: Secret stuff.
//     clause: Demo policy, 1
//     suggestion: Remove it.
//
//   1 warning (1 error)
//
// Line and column are 1-based; the column counts characters (code points) from the start of
// the line. The caret line lines up under the span on a terminal: East Asian wide and
// fullwidth characters and emoji take two columns, combining marks none, tabs are copied.
// A span that runs past the end of its first line is underlined to the end of that line.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "warning.h"

namespace postguard::cli {

// Terminal columns `utf8` (valid UTF-8, one line) takes, per user-perceived character:
// 2 for wide/fullwidth and emoji presentation, 0 for a lone combining mark, else 1.
int display_width(std::string_view utf8);

// Writes every warning as above, then the summary line. `name` is how the input is named
// ("post.txt", "<stdin>"); `text` is exactly the text that was checked.
void write_text_report(std::ostream& out, std::string_view name, std::string_view text,
                       const std::vector<Warning>& warnings);

// "1 file", "2 files".
std::string plural(std::size_t n, std::string_view word);

// "No warnings." or "3 warnings (1 error, 2 warnings)".
std::string summary_line(const std::vector<Warning>& warnings);

}  // namespace postguard::cli

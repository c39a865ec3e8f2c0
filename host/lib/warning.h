// What a check finds: one warning per offending span, ready to show under the words.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "ids.h"
#include "span.h"

namespace postguard {

// A one-click fix the extension can apply through the editor.
//   append:  add `text` at the end of the post (e.g. "Views are my own.")
//   replace: replace the warning's span with `text`
//   remove:  delete the warning's span
struct Fix {
  enum class Kind { append, replace, remove };
  Kind kind = Kind::append;
  std::string text;
};

struct Warning {
  std::string rule;  // "iet.minors.parental-consent"
  Category category = Category::conduct;
  Severity severity = Severity::warning;
  std::string message;     // plain words
  std::string clause;      // "IET Social Media Policy, 6.5"
  std::string suggestion;  // what to do instead
  Span span;               // UTF-16 offsets into the checked text, end exclusive
  std::optional<Fix> fix;
};

// The protocol's W object: {"rule","category","severity","message","clause","start","end",
// "suggestion"} plus "fix": {"type","text"} when the rule offers one.
nlohmann::json to_json(const Warning& w);

}  // namespace postguard

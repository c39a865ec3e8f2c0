#include "warning.h"

namespace postguard {
namespace {

std::string_view fix_type(Fix::Kind k) {
  switch (k) {
    case Fix::Kind::append:
      return "append";
    case Fix::Kind::replace:
      return "replace";
    case Fix::Kind::remove:
      return "remove";
  }
  return "append";
}

}  // namespace

nlohmann::json to_json(const Warning& w) {
  nlohmann::json j = {
      {"rule", w.rule},
      {"category", to_string(w.category)},
      {"severity", to_string(w.severity)},
      {"message", w.message},
      {"clause", w.clause},
      {"start", w.span.start},
      {"end", w.span.end},
      {"suggestion", w.suggestion},
  };
  if (w.fix) {
    j["fix"] = {{"type", fix_type(w.fix->kind)}, {"text", w.fix->text}};
  }
  return j;
}

}  // namespace postguard

#include "host_session.h"

#include <algorithm>
#include <exception>
#include <new>
#include <utility>
#include <vector>

#include "check_options.h"
#include "ids.h"
#include "policy.h"
#include "utf.h"
#include "warning.h"

#ifndef POSTGUARD_VERSION
#define POSTGUARD_VERSION "unknown"
#endif

namespace postguard {

namespace {

using nlohmann::json;

// Rule files feed messages into answers too; a stray invalid byte there must still yield
// a valid frame (the browser drops the port on invalid JSON), never an exception.
std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

struct Problem {
  ErrorCode code;
  std::string message;
};

// A request value quoted for an error message: short, so an answer that echoes a
// 60 MiB "policy" still fits in a frame, and escaped, so it reads unambiguously.
std::string quote_value(std::string_view s) {
  constexpr std::size_t kMax = 64;
  if (s.size() <= kMax) return dump(json(std::string(s)));
  std::size_t cut = kMax;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0u) == 0x80u) --cut;
  return dump(json(std::string(s.substr(0, cut)))) + "...";
}

std::optional<unsigned> hex4(std::string_view s, std::size_t at) {
  if (at + 4 > s.size()) return std::nullopt;
  unsigned v = 0;
  for (std::size_t k = at; k < at + 4; ++k) {
    char c = s[k];
    unsigned d;
    if (c >= '0' && c <= '9') {
      d = static_cast<unsigned>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      d = static_cast<unsigned>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      d = static_cast<unsigned>(c - 'A' + 10);
    } else {
      return std::nullopt;
    }
    v = v * 16 + d;
  }
  return v;
}

std::string hex_escape(unsigned u) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(u >> shift) & 0xFu];
  return out;
}

// One linear pass before the real parse, for the two things nlohmann::json should not be
// the one to discover: nesting deep enough to recurse through the stack, and surrogate
// escapes that JavaScript strings allow but UTF-8 cannot carry (they get their own code
// because the fix is in the extension, not in the user's text). Anything else that is
// malformed is left for the parser to report.
std::optional<Problem> prescan_json(std::string_view s) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (in_string) {
      if (c == '"') {
        in_string = false;
      } else if (c == '\\') {
        if (i + 1 < s.size() && s[i + 1] == 'u') {
          std::optional<unsigned> u = hex4(s, i + 2);
          if (!u) {
            ++i;
            continue;
          }
          if (*u >= 0xD800 && *u <= 0xDBFF) {
            std::optional<unsigned> low;
            if (i + 7 < s.size() && s[i + 6] == '\\' && s[i + 7] == 'u') low = hex4(s, i + 8);
            if (!low || *low < 0xDC00 || *low > 0xDFFF) {
              return Problem{ErrorCode::lone_surrogate,
                             "lone surrogate " + hex_escape(*u) + " at byte " + std::to_string(i)};
            }
            i += 11;  // onto the last hex digit of the low half
          } else if (*u >= 0xDC00 && *u <= 0xDFFF) {
            return Problem{ErrorCode::lone_surrogate,
                           "lone surrogate " + hex_escape(*u) + " at byte " + std::to_string(i)};
          } else {
            i += 5;
          }
        } else {
          ++i;  // the escaped character cannot end the string
        }
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) {
        return Problem{ErrorCode::too_deep,
                       "JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels"};
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::nullopt;
}

// Returns why `id` cannot be an id, or nothing when it can.
std::optional<std::string> id_problem(const json& id) {
  if (id.is_number_unsigned()) {
    if (id.get<std::uint64_t>() <= static_cast<std::uint64_t>(kMaxIdMagnitude)) return std::nullopt;
    return "\"id\" must be at most 2^53-1 in magnitude";
  }
  if (id.is_number_integer()) {
    auto v = id.get<std::int64_t>();
    if (v >= -kMaxIdMagnitude && v <= kMaxIdMagnitude) return std::nullopt;
    return "\"id\" must be at most 2^53-1 in magnitude";
  }
  if (id.is_string()) {
    std::size_t n = id.get_ref<const std::string&>().size();
    if (n >= 1 && n <= kMaxIdStringBytes) return std::nullopt;
    return "a string \"id\" must be 1 to " + std::to_string(kMaxIdStringBytes) + " bytes long";
  }
  return "\"id\" must be an integer or a string";
}

const char* json_type_name(const json& v) { return v.type_name(); }

// A rule-loading problem as answers carry it: at most kMaxRulesErrorBytes, cut between
// characters (dump() would otherwise replace a cut character with U+FFFD).
std::string answer_problem(const std::string& s) {
  if (s.size() <= kMaxRulesErrorBytes) return s;
  std::size_t cut = kMaxRulesErrorBytes - 3;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0u) == 0x80u) --cut;
  return s.substr(0, cut) + "...";
}

Reply error_reply(Reply r, const json& id, ErrorCode code, std::string message) {
  r.json = error_answer(id, code, message);
  r.error = code;
  r.error_message = std::move(message);
  return r;
}

}  // namespace

std::string_view host_version() { return POSTGUARD_VERSION; }

std::string error_answer(const json& id, ErrorCode code, std::string_view message) {
  json answer = {{"id", id},
                 {"type", "error"},
                 {"code", std::string(to_string(code))},
                 {"message", std::string(message)}};
  return dump(answer);
}

HostSession::HostSession(const PolicySet& policies, SessionOptions options)
    : policies_(policies), options_(options) {}

Reply HostSession::handle(std::string_view request) const {
  const json null_id;
  Reply reply;
  try {
    if (request.empty()) {
      return error_reply(std::move(reply), null_id, ErrorCode::empty_frame,
                         "zero-length frame; every frame must hold one JSON request");
    }
    if (!utf::is_valid_utf8(request)) {
      return error_reply(std::move(reply), null_id, ErrorCode::bad_utf8,
                         "the frame is not valid UTF-8");
    }
    if (std::optional<Problem> p = prescan_json(request)) {
      return error_reply(std::move(reply), null_id, p->code, std::move(p->message));
    }
    json req;
    try {
      req = json::parse(request.begin(), request.end());
    } catch (const json::parse_error& e) {
      // Never e.what(): it quotes the input, and the message is logged.
      std::string what = e.what();
      ErrorCode code = what.find("surrogate") != std::string::npos ? ErrorCode::lone_surrogate
                                                                   : ErrorCode::bad_json;
      return error_reply(std::move(reply), null_id, code,
                         "invalid JSON at byte " + std::to_string(e.byte));
    } catch (const json::exception&) {
      // Valid syntax that nlohmann cannot hold: a number beyond a double's range.
      return error_reply(std::move(reply), null_id, ErrorCode::bad_json,
                         "invalid JSON: a number is too large");
    }
    if (!req.is_object()) {
      return error_reply(
          std::move(reply), null_id, ErrorCode::bad_request,
          std::string("a request must be a JSON object, not ") + json_type_name(req));
    }
    auto id_it = req.find("id");
    if (id_it == req.end()) {
      return error_reply(std::move(reply), null_id, ErrorCode::bad_request, "missing \"id\"");
    }
    if (std::optional<std::string> why = id_problem(*id_it)) {
      return error_reply(std::move(reply), null_id, ErrorCode::bad_request, std::move(*why));
    }
    const json& id = *id_it;
    reply.id = dump(id);

    auto type_it = req.find("type");
    if (type_it == req.end()) {
      return error_reply(std::move(reply), id, ErrorCode::bad_request, "missing \"type\"");
    }
    if (!type_it->is_string()) {
      return error_reply(std::move(reply), id, ErrorCode::bad_request,
                         std::string("\"type\" must be a string, not ") + json_type_name(*type_it));
    }
    const std::string& type = type_it->get_ref<const std::string&>();
    Reply answer;
    if (type == "hello") {
      answer = hello(id);
    } else if (type == "check") {
      answer = check(id, req);
    } else {
      return error_reply(std::move(reply), id, ErrorCode::unknown_type,
                         "unknown type " + quote_value(type) + "; expected \"hello\" or \"check\"");
    }
    answer.id = std::move(reply.id);
    answer.type = type;
    if (answer.json.size() > options_.max_answer_bytes) {
      // Only a pathological hello (thousands of packs) can get here; checks are cut to fit.
      return error_reply(
          std::move(answer), id, ErrorCode::internal,
          "the answer would exceed " + std::to_string(options_.max_answer_bytes) + " bytes");
    }
    return answer;
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    return error_reply(std::move(reply), null_id, ErrorCode::internal,
                       std::string("internal error: ") + e.what());
  } catch (...) {
    return error_reply(std::move(reply), null_id, ErrorCode::internal, "internal error");
  }
}

Reply HostSession::hello(const json& id) const {
  json policies = json::array();
  for (const Policy* p : policies_.policies()) {
    const PolicyInfo& info = p->info();
    policies.push_back({{"id", info.id},
                        {"name", info.name},
                        {"source", info.source},
                        {"rules", info.rule_count}});
  }
  json messages = json::array();
  for (const std::string& e : policies_.errors()) {
    if (messages.size() == kMaxRulesErrorMessages) break;
    messages.push_back(answer_problem(e));
  }
  json answer = {
      {"id", id},
      {"type", "hello"},
      {"version", std::string(host_version())},
      {"protocol", kProtocolVersion},
      {"policies", std::move(policies)},
      {"rulesErrors", policies_.errors().size()},
      {"rulesErrorMessages", std::move(messages)},
      {"limits",
       {{"maxRequestBytes", kMaxRequestBytes}, {"maxAnswerBytes", options_.max_answer_bytes}}}};
  Reply r;
  r.json = dump(answer);
  return r;
}

Reply HostSession::check(const json& id, const json& request) const {
  Reply r;
  r.type = "check";
  auto field = [&](const char* name) -> const json* {
    auto it = request.find(name);
    return it == request.end() ? nullptr : &*it;
  };
  auto wrong_type = [&](const char* name, const char* want, const json& got) {
    return error_reply(
        std::move(r), id, ErrorCode::bad_request,
        std::string("\"") + name + "\" must be " + want + ", not " + json_type_name(got));
  };

  const json* text = field("text");
  if (text == nullptr)
    return error_reply(std::move(r), id, ErrorCode::bad_request, "missing \"text\"");
  if (!text->is_string()) return wrong_type("text", "a string", *text);
  const json* policy = field("policy");
  if (policy == nullptr) {
    return error_reply(std::move(r), id, ErrorCode::bad_request, "missing \"policy\"");
  }
  if (!policy->is_string()) return wrong_type("policy", "a string", *policy);
  const json* platform = field("platform");
  if (platform != nullptr && !platform->is_string()) {
    return wrong_type("platform", "a string", *platform);
  }
  const json* role = field("role");
  if (role != nullptr && !role->is_string()) return wrong_type("role", "a string", *role);
  const json* profile = field("profile");
  const json* bio = nullptr;
  if (profile != nullptr) {
    if (!profile->is_object()) return wrong_type("profile", "an object", *profile);
    auto it = profile->find("bioDisclaimer");
    if (it != profile->end()) {
      if (!it->is_boolean()) return wrong_type("profile.bioDisclaimer", "a boolean", *it);
      bio = &*it;
    }
  }

  const std::string& body = text->get_ref<const std::string&>();
  r.text_bytes = body.size();
  if (std::size_t nul = body.find('\0'); nul != std::string::npos) {
    // No real post holds U+0000, and C-string APIs in the engine's dependencies would
    // silently stop there.
    return error_reply(std::move(r), id, ErrorCode::bad_text,
                       "\"text\" contains U+0000 at byte " + std::to_string(nul));
  }
  const std::string& policy_id = policy->get_ref<const std::string&>();
  const Policy* p = policies_.find(policy_id);
  if (p == nullptr) {
    return error_reply(std::move(r), id, ErrorCode::unknown_policy,
                       "unknown policy " + quote_value(policy_id));
  }
  r.policy = policy_id;
  CheckOptions options;
  if (platform != nullptr) {
    const std::string& s = platform->get_ref<const std::string&>();
    std::optional<Platform> parsed = parse_platform(s);
    if (!parsed) {
      return error_reply(std::move(r), id, ErrorCode::unknown_platform,
                         "unknown platform " + quote_value(s) +
                             "; expected \"twitter\", \"facebook\" or \"linkedin\"");
    }
    options.platform = *parsed;
  }
  if (role != nullptr) {
    const std::string& s = role->get_ref<const std::string&>();
    std::optional<Role> parsed = parse_role(s);
    if (!parsed) {
      return error_reply(
          std::move(r), id, ErrorCode::unknown_role,
          "unknown role " + quote_value(s) + "; expected \"personal\" or \"official\"");
    }
    options.role = *parsed;
  }
  if (bio != nullptr) options.bio_disclaimer = bio->get<bool>();

  std::vector<Warning> found;
  try {
    found = p->check(body, options);
  } catch (const std::exception& e) {
    return error_reply(std::move(r), id, ErrorCode::internal,
                       std::string("checking failed: ") + e.what());
  }

  // Fit the answer in the browser's 1 MiB by dropping warnings from the end (the latest in
  // the text); compact dumps add up exactly, so sizes are summed, not re-serialised.
  std::vector<json> items;
  std::vector<std::size_t> sizes;
  items.reserve(found.size());
  sizes.reserve(found.size());
  std::size_t all_items = 0;
  for (const Warning& w : found) {
    items.push_back(to_json(w));
    sizes.push_back(dump(items.back()).size());
    all_items += sizes.back();
  }
  const std::size_t n = items.size();
  json answer = {
      {"id", id}, {"type", "result"}, {"policy", policy_id}, {"warnings", json::array()}};
  if (const std::vector<std::string>& problems = policies_.errors_for(policy_id);
      !problems.empty()) {
    answer["rulesError"] = {{"message", answer_problem(problems.front())},
                            {"count", problems.size()},
                            {"stale", policies_.stale(policy_id)}};
  }
  std::size_t keep = n;
  const std::size_t commas = n > 0 ? n - 1 : 0;
  if (dump(answer).size() + all_items + commas > options_.max_answer_bytes) {
    answer["truncated"] = true;
    answer["omitted"] = n;  // as many digits as the final count can need
    const std::size_t base = dump(answer).size();
    std::size_t used = 0;
    keep = 0;
    while (keep < n) {
      std::size_t more = sizes[keep] + (keep > 0 ? 1 : 0);
      if (base + used + more > options_.max_answer_bytes) break;
      used += more;
      ++keep;
    }
    answer["omitted"] = n - keep;
  }
  json& list = answer["warnings"];
  for (std::size_t k = 0; k < keep; ++k) list.push_back(std::move(items[k]));
  r.json = dump(answer);
  r.warnings = keep;
  r.omitted = n - keep;
  return r;
}

}  // namespace postguard

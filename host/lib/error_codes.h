// The error codes of the native-messaging protocol: what the host answers, as
//   {"id": 7, "type": "error", "code": "unknown-policy", "message": "..."}
// when it cannot serve a request. The extension branches on `code`, never on `message`
// (which is for people and may change), so the strings and numbers here are a public
// contract shared with the extension and docs/protocol.md: add new codes at the end, never
// renumber, respell or reuse one.
//
//   ErrorCode c = ErrorCode::bad_json;
//   to_string(c)                 == "bad-json"
//   parse_error_code("bad-json") == ErrorCode::bad_json
//   static_cast<int>(c)          == 5
//
// The host keeps serving after every one of these; problems it cannot answer (a frame over
// the size limit, a stream cut mid-frame) end the process instead (see host_main.h).
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace postguard {

enum class ErrorCode : int {
  empty_frame = 1,       // a frame of length 0
  bad_utf8 = 2,          // the frame is not well-formed UTF-8
  too_deep = 3,          // arrays/objects nested deeper than kMaxJsonDepth
  lone_surrogate = 4,    // a \uD800-\uDFFF escape that is not half of a valid pair
  bad_json = 5,          // not JSON (syntax error, trailing garbage, raw control character)
  bad_request = 6,       // JSON, but not a request: not an object, missing/mistyped field, bad id
  unknown_type = 7,      // "type" is a string the host does not know
  unknown_policy = 8,    // "policy" names no loaded policy pack
  unknown_platform = 9,  // "platform" is not twitter|facebook|linkedin
  unknown_role = 10,     // "role" is not personal|official
  bad_text = 11,         // "text" contains U+0000
  internal = 12,         // the host failed while serving a valid request (a bug; see the log)
};

struct ErrorCodeInfo {
  ErrorCode code;
  std::string_view name;  // the "code" string on the wire
};

inline constexpr std::array<ErrorCodeInfo, 12> kAllErrorCodes = {{
    {ErrorCode::empty_frame, "empty-frame"},
    {ErrorCode::bad_utf8, "bad-utf8"},
    {ErrorCode::too_deep, "too-deep"},
    {ErrorCode::lone_surrogate, "lone-surrogate"},
    {ErrorCode::bad_json, "bad-json"},
    {ErrorCode::bad_request, "bad-request"},
    {ErrorCode::unknown_type, "unknown-type"},
    {ErrorCode::unknown_policy, "unknown-policy"},
    {ErrorCode::unknown_platform, "unknown-platform"},
    {ErrorCode::unknown_role, "unknown-role"},
    {ErrorCode::bad_text, "bad-text"},
    {ErrorCode::internal, "internal"},
}};

constexpr std::string_view to_string(ErrorCode c) {
  for (const ErrorCodeInfo& info : kAllErrorCodes) {
    if (info.code == c) return info.name;
  }
  return "internal";
}

constexpr std::optional<ErrorCode> parse_error_code(std::string_view s) {
  for (const ErrorCodeInfo& info : kAllErrorCodes) {
    if (info.name == s) return info.code;
  }
  return std::nullopt;
}

}  // namespace postguard

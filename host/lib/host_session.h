// Answers native-messaging requests: the bytes of one request frame in, the JSON of the
// answer frame out. No I/O, no clock, no logging, no globals, so it is tested directly and
// can be fuzzed; host_main.h wraps it in the stdin/stdout loop.
//
//   PolicySet policies = PolicySet::load(dirs);
//   HostSession session(policies);
//   Reply r = session.handle(R"({"id":1,"type":"check","text":"top secret","policy":"demo"})");
//   write_frame(out_fd, r.json);        // never more than kMaxAnswerBytes
//   log(r.id, r.type, r.warnings);      // the rest of Reply summarises the request for the log
//
// Requests and answers (docs/protocol.md has the full text):
//   {"id":N,"type":"hello"}
//     -> {"id":N,"type":"hello","version":"0.1.0","protocol":1,"rulesErrors":0,
//         "rulesErrorMessages":["path:line: message"...],
//         "policies":[{"id","name","source","rules":count}],
//         "limits":{"maxRequestBytes":67108864,"maxAnswerBytes":1048576}}
//   {"id":N,"type":"check","text":"...","policy":"iet",
//    "platform":"twitter|facebook|linkedin" (default twitter),
//    "role":"personal|official" (default personal), "profile":{"bioDisclaimer":bool}}
//     -> {"id":N,"type":"result","policy":"iet","warnings":[W...]}
//        plus "truncated":true,"omitted":K when the warnings would not fit in the answer
//        plus "rulesError":{"message","count","stale"} when the policy's rule files have a
//        problem (PolicySet::errors_for; stale: the last good rules answered)
//   anything wrong -> {"id":N or null,"type":"error","code":"bad-json","message":"..."}
//
// An id is an integer of at most 2^53-1 in magnitude (exact in JavaScript) or a string of
// 1..kMaxIdStringBytes bytes; answers echo it. Unknown request fields are ignored, so the
// extension may send newer fields to an older host; a field that is present must have the
// right type (null is not "absent").
//
// handle() is const and thread-compatible; it does not throw except std::bad_alloc.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "error_codes.h"
#include "frame.h"
#include "policy_set.h"

namespace postguard {

inline constexpr int kProtocolVersion = 1;
// Real requests nest two deep; the limit leaves room for future fields while keeping a
// "[[[[..." frame from driving a recursive parser through the stack.
inline constexpr std::size_t kMaxJsonDepth = 64;
inline constexpr std::size_t kMaxIdStringBytes = 256;
inline constexpr std::int64_t kMaxIdMagnitude = 9007199254740991;  // 2^53 - 1
// Rule-loading problems in answers: hello lists this many, each cut to this many bytes.
inline constexpr std::size_t kMaxRulesErrorMessages = 10;
inline constexpr std::size_t kMaxRulesErrorBytes = 512;

// The host's version, as hello reports it.
std::string_view host_version();

struct SessionOptions {
  // Answers are cut to fit this; tests lower it to exercise truncation cheaply.
  std::size_t max_answer_bytes = kMaxAnswerBytes;
};

// One answer and, for the log, what the request was. Nothing here holds the post text.
struct Reply {
  std::string json;                // the answer's payload
  std::string id = "null";         // the request's id as JSON ("7", "\"a\"", "null")
  std::string type;                // "hello", "check"; empty when unknown or unreadable
  std::string policy;              // check: the policy id, when valid
  std::optional<ErrorCode> error;  // set when the answer is an error
  std::string error_message;       // the error answer's "message"
  std::size_t text_bytes = 0;      // check: size of the text in bytes
  std::size_t warnings = 0;        // check: warnings in the answer
  std::size_t omitted = 0;         // check: warnings dropped to fit max_answer_bytes
};

class HostSession {
 public:
  // `policies` must outlive the session; it may change between requests (RulesWatch
  // reloads it in place), and every answer reflects it as it is then.
  explicit HostSession(const PolicySet& policies, SessionOptions options = {});

  Reply handle(std::string_view request) const;

 private:
  Reply hello(const nlohmann::json& id) const;
  Reply check(const nlohmann::json& id, const nlohmann::json& request) const;

  const PolicySet& policies_;
  SessionOptions options_;
};

// The error answer {"id":id,"type":"error","code":...,"message":...}, serialised.
std::string error_answer(const nlohmann::json& id, ErrorCode code, std::string_view message);

}  // namespace postguard

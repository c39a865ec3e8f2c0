// The native-messaging request handler: every message, every error code, the answer-size
// cap and UTF-16 spans, against a tiny rule pack written by the test.
#include "host_session.h"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <unistd.h>

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include "test_support.h"

#include "error_codes.h"
#include "frame.h"
#include "policy_set.h"

using namespace std::string_literals;
using nlohmann::json;
using postguard::ErrorCode;
using postguard::HostSession;
using postguard::kAllErrorCodes;
using postguard::PolicySet;
using postguard::Reply;
using postguard::SessionOptions;

using postguard::testing::kDemoPack;
using postguard::testing::TempDir;

namespace {

namespace fs = std::filesystem;

// The demo pack, loaded once for the whole file.
const PolicySet& demo_policies() {
  static const PolicySet set = [] {
    TempDir dir;
    std::ofstream(dir.path() / "demo.json") << kDemoPack;
    return PolicySet::load({dir.path()});
  }();
  return set;
}

json answer(const HostSession& s, std::string_view request) {
  Reply r = s.handle(request);
  INFO("request: " << request);
  INFO("answer: " << r.json);
  REQUIRE(r.json.size() <= postguard::kMaxAnswerBytes);
  json a = json::parse(r.json);  // every answer is valid JSON
  return a;
}

json ask(const HostSession& s, const json& request) { return answer(s, request.dump()); }

// UTF-16 code units in valid UTF-8, counted from lead bytes, independently of the library.
std::uint32_t u16(std::string_view s) {
  std::uint32_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) == 0x80) continue;
    n += c >= 0xF0 ? 2 : 1;
  }
  return n;
}

json check_request(std::string text, json id = 1) {
  return {{"id", id}, {"type", "check"}, {"text", std::move(text)}, {"policy", "demo"}};
}

}  // namespace

TEST_CASE("session: the demo pack loads", "[session]") {
  const PolicySet& set = demo_policies();
  INFO(json(set.errors()).dump());
  REQUIRE(set.errors().empty());
  REQUIRE(set.find("demo") != nullptr);
}

TEST_CASE("session: error codes are stable", "[session]") {
  // The extension hard-codes these; a change here is a protocol break.
  const std::vector<std::pair<int, std::string_view>> expected = {
      {1, "empty-frame"},      {2, "bad-utf8"},      {3, "too-deep"},     {4, "lone-surrogate"},
      {5, "bad-json"},         {6, "bad-request"},   {7, "unknown-type"}, {8, "unknown-policy"},
      {9, "unknown-platform"}, {10, "unknown-role"}, {11, "bad-text"},    {12, "internal"}};
  REQUIRE(kAllErrorCodes.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    CHECK(static_cast<int>(kAllErrorCodes[i].code) == expected[i].first);
    CHECK(kAllErrorCodes[i].name == expected[i].second);
    CHECK(postguard::to_string(kAllErrorCodes[i].code) == expected[i].second);
    CHECK(postguard::parse_error_code(expected[i].second) == kAllErrorCodes[i].code);
  }
  CHECK_FALSE(postguard::parse_error_code("bad_json").has_value());
}

TEST_CASE("session: hello lists the policies", "[session]") {
  HostSession s(demo_policies());
  json a = answer(s, R"({"id": 7, "type": "hello"})");
  CHECK(a["id"] == 7);
  CHECK(a["type"] == "hello");
  CHECK(a["protocol"] == 1);
  CHECK(a["version"].is_string());
  CHECK_FALSE(a["version"].get<std::string>().empty());
  CHECK(a["version"] == std::string(postguard::host_version()));
  CHECK(a["rulesErrors"] == 0);
  CHECK(a["rulesErrorMessages"] == json::array());
  CHECK(a["limits"]["maxRequestBytes"] == 67108864);
  CHECK(a["limits"]["maxAnswerBytes"] == 1048576);
  REQUIRE(a["policies"].is_array());
  REQUIRE(a["policies"].size() == 1);
  CHECK(a["policies"][0] ==
        json({{"id", "demo"}, {"name", "Demo"}, {"source", "Demo policy"}, {"rules", 1}}));
  Reply r = s.handle(R"({"id": 7, "type": "hello"})");
  CHECK(r.type == "hello");
  CHECK(r.id == "7");
  CHECK_FALSE(r.error.has_value());
}

TEST_CASE("session: rule problems in hello, and in the checks of the policy they concern",
          "[session]") {
  TempDir dir;
  std::ofstream(dir.path() / "demo.json") << kDemoPack;
  for (int i = 0; i < 12; ++i) {
    std::ofstream(dir.path() / ("bad" + std::to_string(i) + ".json")) << "{";
  }
  const PolicySet first = PolicySet::load({dir.path()});
  REQUIRE(first.errors().size() == 12);
  {
    HostSession s(first);
    json hello = ask(s, {{"id", 1}, {"type", "hello"}});
    CHECK(hello["rulesErrors"] == 12);
    REQUIRE(hello["rulesErrorMessages"].size() == postguard::kMaxRulesErrorMessages);
    CHECK(hello["rulesErrorMessages"][0] == first.errors()[0]);
    json a = ask(s, check_request("top secret"));
    CHECK(a["warnings"].size() == 1);
    CHECK_FALSE(a.contains("rulesError"));  // the broken packs are other policies
  }
  // demo's file broke later: the pack from the first load answers, marked stale.
  std::ofstream(dir.path() / "demo.json", std::ios::trunc) << "[]";
  PolicySet later = PolicySet::load({dir.path()});
  REQUIRE(later.find("demo") == nullptr);
  const std::string demo_error = later.errors_for("demo").at(0);
  later.keep(first.find_shared("demo"));
  HostSession s(later);
  json a = ask(s, check_request("top secret"));
  CHECK(a["warnings"].size() == 1);
  CHECK(a["rulesError"] == json({{"message", demo_error}, {"count", 1}, {"stale", true}}));
  CHECK(ask(s, {{"id", 1}, {"type", "hello"}})["rulesErrors"] == 13);

  // A long problem is cut, between characters, to kMaxRulesErrorBytes.
  PolicySet cut;
  std::string why(600, 'x');
  why.replace(508, 2, "\xC3\xA9");  // the cut, at 509, falls inside it
  cut.keep(first.find_shared("demo"), why);
  a = ask(HostSession(cut), check_request("top secret"));
  const std::string message = a["rulesError"]["message"];
  CHECK(message == std::string(508, 'x') + "...");
  CHECK(message.size() <= postguard::kMaxRulesErrorBytes);
  CHECK(a["rulesError"]["stale"] == true);
}

TEST_CASE("session: check returns warnings as W objects", "[session]") {
  HostSession s(demo_policies());
  json a = ask(s, check_request("Top secret plan for the draft standard."));
  CHECK(a["id"] == 1);
  CHECK(a["type"] == "result");
  CHECK(a["policy"] == "demo");
  CHECK_FALSE(a.contains("truncated"));
  CHECK_FALSE(a.contains("omitted"));
  REQUIRE(a["warnings"].size() == 2);
  const json& w = a["warnings"][0];
  CHECK(w["rule"] == "demo.secret");
  CHECK(w["category"] == "confidentiality");
  CHECK(w["severity"] == "error");
  CHECK(w["message"] == "Secret stuff.");
  CHECK(w["clause"] == "Demo policy, 1");
  CHECK(w["suggestion"] == "Remove it.");
  CHECK(w["start"] == 0);
  CHECK(w["end"] == 10);
  CHECK(a["warnings"][1]["start"] == 24);
  CHECK(a["warnings"][1]["end"] == 38);

  // Exactly what to_json makes of the engine's warnings: the session adds nothing.
  postguard::CheckOptions defaults;
  std::vector<postguard::Warning> ws =
      demo_policies().find("demo")->check("Top secret plan for the draft standard.", defaults);
  REQUIRE(ws.size() == 2);
  CHECK(a["warnings"][0] == postguard::to_json(ws[0]));
  CHECK(a["warnings"][1] == postguard::to_json(ws[1]));

  Reply r = s.handle(check_request("top secret").dump());
  CHECK(r.type == "check");
  CHECK(r.policy == "demo");
  CHECK(r.warnings == 1);
  CHECK(r.omitted == 0);
  CHECK(r.text_bytes == 10);
}

TEST_CASE("session: clean text, empty text and options", "[session]") {
  HostSession s(demo_policies());
  CHECK(ask(s, check_request("a secret; the standard says"))["warnings"] == json::array());
  CHECK(ask(s, check_request(""))["warnings"] == json::array());
  for (const char* platform : {"twitter", "facebook", "linkedin"}) {
    for (const char* role : {"personal", "official"}) {
      for (bool bio : {false, true}) {
        json req = check_request("top secret");
        req["platform"] = platform;
        req["role"] = role;
        req["profile"] = {{"bioDisclaimer", bio}};
        json a = ask(s, req);
        CHECK(a["type"] == "result");
        CHECK(a["warnings"].size() == 1);
      }
    }
  }
  json empty_profile = check_request("top secret");
  empty_profile["profile"] = json::object();
  CHECK(ask(s, empty_profile)["type"] == "result");
}

TEST_CASE("session: ids are echoed exactly", "[session]") {
  HostSession s(demo_policies());
  for (const json& id : {json(0), json(-5), json(9007199254740991LL), json(-9007199254740991LL),
                         json("abc"), json(std::string(256, 'x')), json("\xE6\x97\xA5")}) {
    json a = ask(s, {{"id", id}, {"type", "hello"}});
    CHECK(a["type"] == "hello");
    CHECK(a["id"] == id);
    json e = ask(s, {{"id", id}, {"type", "nope"}});
    CHECK(e["type"] == "error");
    CHECK(e["id"] == id);
  }
}

TEST_CASE("session: unknown fields are ignored", "[session]") {
  HostSession s(demo_policies());
  json req = check_request("top secret");
  req["future"] = {{"nested", {1, 2, 3}}};
  req["profile"] = {{"bioDisclaimer", true}, {"followers", 12}};
  CHECK(ask(s, req)["warnings"].size() == 1);
  CHECK(answer(s, R"({"type":"hello","id":3,"extra":null})")["type"] == "hello");
}

TEST_CASE("session: spans are UTF-16 offsets into the original text", "[session]") {
  HostSession s(demo_policies());
  struct Case {
    std::string prefix, phrase, suffix;
  };
  const std::vector<Case> cases = {
      {"\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E ", "top secret", " plan"},  // 日本語
      {"\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD ", "top secret",
       " \xF0\x9F\x8E\x89"},  // 👍🏽 … 🎉
      {"\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7 caf\xC3\xA9 ",
       "draft standard", "!"},  // 👨‍👩‍👧 café
      {"\xF0\x9F\x87\xAC\xF0\x9F\x87\xA7 \xE4\xBD\xA0\xE5\xA5\xBD \xF0\x9D\x90\x80 ", "TOP SECRET",
       "\xE3\x80\x82"},  // 🇬🇧 你好 𝐀 … 。
  };
  for (const Case& c : cases) {
    std::string text = c.prefix + c.phrase + c.suffix;
    INFO(text);
    json a = ask(s, check_request(text));
    REQUIRE(a["warnings"].size() == 1);
    CHECK(a["warnings"][0]["start"] == u16(c.prefix));
    CHECK(a["warnings"][0]["end"] == u16(c.prefix) + u16(c.phrase));
  }
  // The same text sent with \u escapes (as JSON.stringify may) gives the same spans.
  json a = answer(s, R"({"id":1,"type":"check","policy":"demo",)"
                     R"("text":"\ud83d\udc4d\ud83c\udffd \u65e5 top secret"})");
  REQUIRE(a["warnings"].size() == 1);
  CHECK(a["warnings"][0]["start"] == 7);
  CHECK(a["warnings"][0]["end"] == 17);
}

TEST_CASE("session: every bad request gets the right error code", "[session]") {
  HostSession s(demo_policies());
  const std::string deep64 =
      R"({"id":1,"type":"hello","x":)" + std::string(63, '[') + std::string(63, ']') + "}";
  const std::string deep65 =
      R"({"id":1,"type":"hello","x":)" + std::string(64, '[') + std::string(64, ']') + "}";
  struct Case {
    std::string name;
    std::string request;
    ErrorCode code;
    json id;  // expected id in the answer
  };
  const json null;
  const std::vector<Case> cases = {
      {"zero-length frame", "", ErrorCode::empty_frame, null},
      {"invalid byte", "{\"id\":1,\"type\":\"hello\",\"x\":\"\xFF\"}", ErrorCode::bad_utf8, null},
      {"overlong", "{\"id\":1,\"type\":\"hello\",\"x\":\"\xC0\xAF\"}", ErrorCode::bad_utf8, null},
      {"UTF-8 surrogate", "{\"id\":1,\"x\":\"\xED\xA0\x80\"}", ErrorCode::bad_utf8, null},
      {"cut sequence", "{\"id\":1,\"x\":\"\xE6\x97\"}", ErrorCode::bad_utf8, null},
      {"above U+10FFFF", "{\"id\":1,\"x\":\"\xF4\x90\x80\x80\"}", ErrorCode::bad_utf8, null},
      {"65 levels", deep65, ErrorCode::too_deep, null},
      {"100000 levels", std::string(100000, '['), ErrorCode::too_deep, null},
      {"lone high surrogate", R"({"id":1,"type":"check","policy":"demo","text":"a\ud800b"})",
       ErrorCode::lone_surrogate, null},
      {"lone low surrogate", R"({"id":1,"type":"check","policy":"demo","text":"\udc00"})",
       ErrorCode::lone_surrogate, null},
      {"high then non-low", R"({"id":1,"type":"check","policy":"demo","text":"\uD83D\u0041"})",
       ErrorCode::lone_surrogate, null},
      {"high at end of string", R"({"id":1,"type":"check","policy":"demo","text":"x\ud83d"})",
       ErrorCode::lone_surrogate, null},
      {"surrogate in a key", R"({"id":1,"type":"hello","\udfff":1})", ErrorCode::lone_surrogate,
       null},
      {"not JSON", "hello", ErrorCode::bad_json, null},
      {"unterminated", R"({"id":1,"type":"hello")", ErrorCode::bad_json, null},
      {"trailing garbage", R"({"id":1,"type":"hello"} x)", ErrorCode::bad_json, null},
      {"two values", R"({"id":1,"type":"hello"}{})", ErrorCode::bad_json, null},
      {"raw NUL byte", "{\"id\":1,\"type\":\"hello\",\"x\":\"a\0b\"}"s, ErrorCode::bad_json, null},
      {"raw newline in string", "{\"id\":1,\"type\":\"hello\",\"x\":\"a\nb\"}", ErrorCode::bad_json,
       null},
      {"bad escape", R"({"id":1,"type":"hello","x":"\q"})", ErrorCode::bad_json, null},
      {"short \\u escape", R"({"id":1,"type":"hello","x":"\u12"})", ErrorCode::bad_json, null},
      {"array", "[1,2]", ErrorCode::bad_request, null},
      {"number", "42", ErrorCode::bad_request, null},
      {"string", R"("hello")", ErrorCode::bad_request, null},
      {"null", "null", ErrorCode::bad_request, null},
      {"missing id", R"({"type":"hello"})", ErrorCode::bad_request, null},
      {"null id", R"({"id":null,"type":"hello"})", ErrorCode::bad_request, null},
      {"bool id", R"({"id":true,"type":"hello"})", ErrorCode::bad_request, null},
      {"float id", R"({"id":1.5,"type":"hello"})", ErrorCode::bad_request, null},
      {"exponent id", R"({"id":1e3,"type":"hello"})", ErrorCode::bad_request, null},
      {"id 2^53", R"({"id":9007199254740992,"type":"hello"})", ErrorCode::bad_request, null},
      {"id -2^53", R"({"id":-9007199254740992,"type":"hello"})", ErrorCode::bad_request, null},
      {"huge id", R"({"id":123456789012345678901234567890,"type":"hello"})", ErrorCode::bad_request,
       null},
      {"empty string id", R"({"id":"","type":"hello"})", ErrorCode::bad_request, null},
      {"257-byte id", R"({"id":")" + std::string(257, 'i') + R"(","type":"hello"})",
       ErrorCode::bad_request, null},
      {"object id", R"({"id":{},"type":"hello"})", ErrorCode::bad_request, null},
      {"missing type", R"({"id":2})", ErrorCode::bad_request, 2},
      {"type not a string", R"({"id":2,"type":1})", ErrorCode::bad_request, 2},
      {"null type", R"({"id":2,"type":null})", ErrorCode::bad_request, 2},
      {"missing text", R"({"id":3,"type":"check","policy":"demo"})", ErrorCode::bad_request, 3},
      {"text not a string", R"({"id":3,"type":"check","policy":"demo","text":["a"]})",
       ErrorCode::bad_request, 3},
      {"missing policy", R"({"id":3,"type":"check","text":"a"})", ErrorCode::bad_request, 3},
      {"policy not a string", R"({"id":3,"type":"check","text":"a","policy":7})",
       ErrorCode::bad_request, 3},
      {"platform not a string",
       R"({"id":3,"type":"check","text":"a","policy":"demo","platform":1})", ErrorCode::bad_request,
       3},
      {"null platform", R"({"id":3,"type":"check","text":"a","policy":"demo","platform":null})",
       ErrorCode::bad_request, 3},
      {"role not a string", R"({"id":3,"type":"check","text":"a","policy":"demo","role":true})",
       ErrorCode::bad_request, 3},
      {"profile not an object",
       R"({"id":3,"type":"check","text":"a","policy":"demo","profile":[]})", ErrorCode::bad_request,
       3},
      {"bioDisclaimer not a bool",
       R"({"id":3,"type":"check","text":"a","policy":"demo","profile":{"bioDisclaimer":"yes"}})",
       ErrorCode::bad_request, 3},
      {"unknown type", R"({"id":"r4","type":"chek"})", ErrorCode::unknown_type, "r4"},
      {"empty type", R"({"id":"r4","type":""})", ErrorCode::unknown_type, "r4"},
      {"type case matters", R"({"id":"r4","type":"Hello"})", ErrorCode::unknown_type, "r4"},
      {"unknown policy", R"({"id":5,"type":"check","text":"a","policy":"nope"})",
       ErrorCode::unknown_policy, 5},
      {"NUL in policy", R"({"id":5,"type":"check","text":"a","policy":"demo\u0000"})",
       ErrorCode::unknown_policy, 5},
      {"unknown platform",
       R"({"id":6,"type":"check","text":"a","policy":"demo","platform":"myspace"})",
       ErrorCode::unknown_platform, 6},
      {"platform case matters",
       R"({"id":6,"type":"check","text":"a","policy":"demo","platform":"Twitter"})",
       ErrorCode::unknown_platform, 6},
      {"unknown role", R"({"id":7,"type":"check","text":"a","policy":"demo","role":"boss"})",
       ErrorCode::unknown_role, 7},
      {"NUL in text", R"({"id":8,"type":"check","text":"top\u0000secret","policy":"demo"})",
       ErrorCode::bad_text, 8},
      {"only NUL", R"({"id":8,"type":"check","text":"\u0000","policy":"demo"})",
       ErrorCode::bad_text, 8},
  };
  std::set<ErrorCode> seen;
  for (const Case& c : cases) {
    INFO(c.name);
    Reply r = s.handle(c.request);
    json a = answer(s, c.request);
    CHECK(a.size() == 4);
    CHECK(a["type"] == "error");
    CHECK(a["code"] == std::string(postguard::to_string(c.code)));
    CHECK(a["id"] == c.id);
    CHECK(a["message"].is_string());
    CHECK_FALSE(a["message"].get<std::string>().empty());
    REQUIRE(r.error.has_value());
    CHECK(*r.error == c.code);
    CHECK(r.error_message == a["message"]);
    seen.insert(c.code);
    // And the session keeps serving.
    CHECK(ask(s, check_request("top secret"))["warnings"].size() == 1);
  }
  // Limits that are not errors.
  CHECK(answer(s, deep64)["type"] == "hello");
  CHECK(answer(s, R"({"id":1,"type":"hello","x":")" + std::string(1000, '[') + R"("})")["type"] ==
        "hello");
  CHECK(answer(s, R"({"id":1,"type":"hello","x":"\"[[[[\\"})")["type"] == "hello");
  CHECK(answer(s, "\xEF\xBB\xBF{\"id\":1,\"type\":\"hello\"}")["type"] == "hello");

  // internal: the only way to provoke it without a broken engine is a hello that cannot fit.
  HostSession tiny(demo_policies(), SessionOptions{50});
  json a = answer(tiny, R"({"id":9,"type":"hello"})");
  CHECK(a["code"] == "internal");
  CHECK(a["id"] == 9);
  seen.insert(ErrorCode::internal);

  for (const auto& info : kAllErrorCodes) {
    INFO(info.name);
    CHECK(seen.count(info.code) == 1);
  }
}

TEST_CASE("session: error messages never echo a huge value", "[session]") {
  HostSession s(demo_policies());
  std::string big(std::size_t{5} * 1024 * 1024, 'p');
  json a = ask(s, {{"id", 1}, {"type", "check"}, {"text", "a"}, {"policy", big}});
  CHECK(a["code"] == "unknown-policy");
  CHECK(a["message"].get<std::string>().size() < 200);
  json b = ask(s, {{"id", 1}, {"type", big}});
  CHECK(b["code"] == "unknown-type");
  CHECK(b["message"].get<std::string>().size() < 200);
  // Error messages do not quote the post text either.
  json c = answer(s, R"({"id":8,"type":"check","text":"my secret words\u0000","policy":"demo"})");
  CHECK(c["message"].get<std::string>().find("secret") == std::string::npos);
  json d = answer(s, R"({"id":8,"type":"check","text":"my secret words)");
  CHECK(d["message"].get<std::string>().find("secret") == std::string::npos);
}

TEST_CASE("session: answers are cut to fit the browser's 1 MiB", "[session]") {
  HostSession s(demo_policies());
  const std::size_t n = 20000;
  std::string text;
  for (std::size_t i = 0; i < n; ++i) text += "top secret, ";
  Reply r = s.handle(check_request(text).dump());
  REQUIRE(r.json.size() <= 1048576);
  json a = json::parse(r.json);
  CHECK(a["type"] == "result");
  CHECK(a["truncated"] == true);
  const std::size_t kept = a["warnings"].size();
  CHECK(kept > 1000);
  CHECK(kept < n);
  CHECK(a["omitted"] == n - kept);
  CHECK(r.warnings == kept);
  CHECK(r.omitted == n - kept);
  // The warnings kept are the first ones, in order.
  for (std::size_t i = 0; i < kept; ++i) {
    REQUIRE(a["warnings"][i]["start"] == 12 * i);
  }
  // And as many as fit: the next one would not have.
  json next = a["warnings"][kept - 1];
  next["start"] = 12 * kept;
  next["end"] = 12 * kept + 10;
  CHECK(r.json.size() + next.dump().size() + 1 > 1048576);
}

TEST_CASE("session: truncation holds at any cap", "[session]") {
  std::string text;
  for (int i = 0; i < 50; ++i) text += "top secret ";
  const std::string request = check_request(text, "some-id").dump();
  HostSession full(demo_policies());
  const std::string full_answer = full.handle(request).json;
  const std::size_t full_size = full_answer.size();
  const json all = json::parse(full_answer)["warnings"];
  for (std::size_t cap : {std::size_t{150}, std::size_t{400}, std::size_t{1000}, std::size_t{2500},
                          full_size - 1, full_size}) {
    INFO("cap " << cap);
    HostSession s(demo_policies(), SessionOptions{cap});
    Reply r = s.handle(request);
    CHECK(r.json.size() <= cap);
    json a = json::parse(r.json);
    CHECK(a["type"] == "result");
    CHECK(a["warnings"].size() + a.value("omitted", 0) == 50);
    CHECK(a.contains("truncated") == (cap < full_size));
    if (a.contains("truncated")) {
      // Nothing more would fit (give or take the one digit "omitted" may lose).
      const std::size_t kept = a["warnings"].size();
      const std::size_t next = all[kept].dump().size() + (kept > 0 ? 1 : 0);
      CHECK(r.json.size() + next + 1 > cap);
    }
  }
}

TEST_CASE("session: a number too large for a double is bad JSON and the host goes on",
          "[session]") {
  const HostSession s(demo_policies());
  const json a =
      answer(s, R"({"id": 1, "type": "check", "text": "x", "policy": "demo", "n": 1e999})");
  CHECK(a["type"] == "error");
  CHECK(a["code"] == "bad-json");
  CHECK(answer(s, check_request("top secret").dump())["type"] == "result");
}

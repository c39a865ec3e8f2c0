// The `postguard` command line, run in-process through run_cli() with string streams, plus a
// few runs of the real binary to prove main() is wired to it.
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli.h"
#include "cli_text_report.h"
#include "host_session.h"
#include "test_support.h"

namespace postguard {
namespace {

using testing::TempDir;

// demo.secret is the brief's example rule; demo.hype is an info-level rule for official
// accounts only, so severities and the role reaching the engine can both be observed.
constexpr const char* kDemoPack = R"({"format": 1, "id": "demo", "kind": "policy",
 "name": "Demo", "source": "Demo policy", "rules": [
 {"id": "demo.secret", "category": "confidentiality", "severity": "error",
  "message": "Secret stuff.", "clause": "Demo policy, 1", "suggestion": "Remove it.",
  "match": {"phrases": ["top secret", "draft standard"]},
  "examples": {"trigger": ["top secret plan", "the draft standard says"],
               "clean": ["a secret", "the standard says"]}},
 {"id": "demo.hype", "category": "endorsement", "severity": "info", "roles": ["official"],
  "message": "Hype.", "clause": "Demo policy, 2", "suggestion": "Tone it down.",
  "match": {"phrases": ["amazing"]},
  "examples": {"trigger": ["amazing news", "so amazing"],
               "clean": ["good news", {"text": "amazing news", "role": "personal"}]}}
]})";

// Two of its four examples are wrong, so `rules test` has something to fail.
constexpr const char* kFlakyPack = R"({"format": 1, "id": "flaky", "kind": "policy",
 "name": "Flaky", "source": "Flaky policy", "rules": [
 {"id": "flaky.secret", "category": "confidentiality", "severity": "error",
  "message": "Secret stuff.", "clause": "Flaky policy, 1", "suggestion": "Remove it.",
  "match": {"phrases": ["top secret"]},
  "examples": {"trigger": ["top secret plan", "nothing here"],
               "clean": ["a secret", "top secret again"]}}
]})";

// An unknown category on line 3.
constexpr const char* kBrokenPack =
    "{\"format\": 1, \"id\": \"broken\", \"kind\": \"policy\", \"name\": \"B\", \"source\": "
    "\"B\",\n"
    " \"rules\": [\n"
    "  {\"id\": \"broken.x\", \"category\": \"nonsense\", \"severity\": \"error\", \"message\": "
    "\"m\", \"clause\": \"c\", \"suggestion\": \"s\", \"match\": {\"phrases\": [\"x y\"]}, "
    "\"examples\": {\"trigger\": [\"x y\", \"a x y\"], \"clean\": [\"z\", \"zz\"]}}\n"
    "]}\n";

struct Result {
  int code;
  std::string out;
  std::string err;
};

// Points every built-in rule directory at empty temp dirs, so only the packs a test writes
// load, and puts the environment back afterwards for the other tests in this binary.
class CliFixture {
 public:
  CliFixture() {
    set("POSTGUARD_DATA_DIR", (tmp_.path() / "data").string());
    set("XDG_CONFIG_HOME", (tmp_.path() / "config").string());
    set("POSTGUARD_RULES_DIR", std::nullopt);
    std::filesystem::create_directories(tmp_.path() / "data");
    tmp_.write("rules/demo.json", kDemoPack);
  }
  ~CliFixture() {
    for (const auto& [name, value] : saved_) {
      if (value) {
        ::setenv(name.c_str(), value->c_str(), 1);
      } else {
        ::unsetenv(name.c_str());
      }
    }
  }
  CliFixture(const CliFixture&) = delete;
  CliFixture& operator=(const CliFixture&) = delete;

  const TempDir& tmp() const { return tmp_; }
  std::string rules() const { return (tmp_.path() / "rules").string(); }

  Result run(std::vector<std::string> args, const std::string& input = "") const {
    args.insert(args.begin(), "postguard");
    std::istringstream in(input);
    std::ostringstream out;
    std::ostringstream err;
    const int code = run_cli(args, in, out, err);
    return {code, out.str(), err.str()};
  }

  // `postguard check --policy demo --rules <demo dir> <extra...>` on `input`.
  Result check(const std::string& input, std::vector<std::string> extra = {}) const {
    std::vector<std::string> args = {"check", "--policy", "demo", "--rules", rules()};
    args.insert(args.end(), extra.begin(), extra.end());
    return run(args, input);
  }

  void set(const std::string& name, const std::optional<std::string>& value) {
    if (saved_.count(name) == 0) {
      const char* old = std::getenv(name.c_str());
      saved_[name] = old ? std::optional<std::string>(old) : std::nullopt;
    }
    if (value) {
      ::setenv(name.c_str(), value->c_str(), 1);
    } else {
      ::unsetenv(name.c_str());
    }
  }

 private:
  TempDir tmp_;
  std::map<std::string, std::optional<std::string>> saved_;
};

std::vector<nlohmann::json> json_lines(const std::string& text) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

std::string usage_error(const std::string& message, const std::string& command) {
  return "postguard: " + message + "\nTry 'postguard " + command +
         " --help' for more information.\n";
}

// ---- help, version, usage errors -------------------------------------------------------

TEST_CASE("cli: every command has --help, and `help` shows the same", "[cli]") {
  CliFixture f;
  const std::vector<std::vector<std::string>> helps = {{"--help"},
                                                       {"-h"},
                                                       {"help"},
                                                       {"check", "--help"},
                                                       {"policies", "-h"},
                                                       {"rules", "--help"},
                                                       {"rules", "validate", "--help"},
                                                       {"rules", "test", "--help"}};
  for (const auto& args : helps) {
    CAPTURE(args);
    const Result r = f.run(args);
    CHECK(r.code == kExitOk);
    CHECK(r.err.empty());
    CHECK(r.out.rfind("Usage: postguard", 0) == 0);
  }
  CHECK(f.run({"help", "check"}).out == f.run({"check", "--help"}).out);
  CHECK(f.run({"help", "rules", "test"}).out == f.run({"rules", "test", "--help"}).out);
  CHECK(f.run({"check", "--help"}).out.find("--fail-on LEVEL") != std::string::npos);
  CHECK(f.run({"rules", "test", "--help"}).out.find("--rules DIR") != std::string::npos);
}

TEST_CASE("cli: --help documents the exit codes", "[cli]") {
  CliFixture f;
  const std::string help = f.run({"--help"}).out;
  CHECK(help.find("Exit codes:\n"
                  "  0  ran; no warning at or above --fail-on\n"
                  "  1  a warning at or above --fail-on was found, or a rule example failed\n"
                  "  2  bad command line\n"
                  "  3  unreadable input, invalid UTF-8, or a bad line in a --batch input\n"
                  "  4  rules failed to load or validate, or unknown policy\n") !=
        std::string::npos);
}

TEST_CASE("cli: --version", "[cli]") {
  CliFixture f;
  const Result r = f.run({"--version"});
  CHECK(r.code == kExitOk);
  CHECK(r.out == "postguard " + std::string(host_version()) + "\n");
}

TEST_CASE("cli: bad command lines exit 2 with the reason and a hint", "[cli]") {
  CliFixture f;
  struct Case {
    std::vector<std::string> args;
    std::string err;
  };
  const std::vector<Case> cases = {
      {{"frobnicate"},
       "postguard: unknown command 'frobnicate'\n"
       "Try 'postguard --help' for more information.\n"},
      {{"--frobnicate"},
       "postguard: unrecognised option '--frobnicate'\n"
       "Try 'postguard --help' for more information.\n"},
      {{"check", "--frobnicate"}, usage_error("unrecognised option '--frobnicate'", "check")},
      {{"check", "--policy"},
       usage_error("the required argument for option '--policy' is missing", "check")},
      {{"check", "--policy", "demo", "--policy", "demo"},
       usage_error("option '--policy' cannot be specified more than once", "check")},
      {{"check", "--pol", "demo"}, usage_error("unrecognised option '--pol'", "check")},
      {{"check"}, usage_error("--policy is required (see 'postguard policies')", "check")},
      {{"check", "--policy", "demo", "a.txt", "b.txt"},
       usage_error("unexpected argument 'b.txt' (check takes one FILE)", "check")},
      {{"check", "--policy", "demo", "--format", "xml"},
       usage_error("invalid --format 'xml' (expected text or json)", "check")},
      {{"check", "--policy", "demo", "--platform", "myspace"},
       usage_error("invalid --platform 'myspace' (expected twitter, facebook or linkedin)",
                   "check")},
      {{"check", "--policy", "demo", "--role", "boss"},
       usage_error("invalid --role 'boss' (expected personal or official)", "check")},
      {{"check", "--policy", "demo", "--fail-on", "never"},
       usage_error("invalid --fail-on 'never' (expected info, warning or error)", "check")},
      {{"check", "--policy", "demo", "--bio-disclaimer=yes"},
       usage_error("option '--bio-disclaimer' does not take any arguments", "check")},
      {{"check", "--batch", "-", "post.txt"},
       usage_error("unexpected argument 'post.txt' (with --batch, the input is --batch's "
                   "argument)",
                   "check")},
      {{"check", "--batch", "-", "--format", "text"},
       usage_error("--batch always writes JSON Lines; --format text does not apply", "check")},
      {{"policies", "extra"}, usage_error("unexpected argument 'extra'", "policies")},
      {{"policies", "--format", "yaml"},
       usage_error("invalid --format 'yaml' (expected text or json)", "policies")},
      {{"rules", "frob"}, usage_error("unknown command 'rules frob'", "rules")},
      {{"rules", "validate", "a", "b"},
       usage_error("unexpected argument 'b' (one PATH at most)", "rules validate")},
      {{"rules", "test", "--frob"}, usage_error("unrecognised option '--frob'", "rules test")},
      {{"policies", "--rules", "/nonexistent/rules"},
       usage_error("--rules '/nonexistent/rules' is not a directory", "policies")},
      {{"check", "--policy", "demo", "--rules", "/nonexistent/rules"},
       usage_error("--rules '/nonexistent/rules' is not a directory", "check")},
      {{"rules", "test", "--rules", "/nonexistent/rules"},
       usage_error("--rules '/nonexistent/rules' is not a directory", "rules test")},
  };
  for (const Case& c : cases) {
    CAPTURE(c.args);
    const Result r = f.run(c.args);
    CHECK(r.code == kExitUsage);
    CHECK(r.out.empty());
    CHECK(r.err == c.err);
  }
  // No command at all: the overview, on stderr.
  const Result bare = f.run({});
  CHECK(bare.code == kExitUsage);
  CHECK(bare.err.rfind("Usage: postguard", 0) == 0);
  CHECK(f.run({"rules"}).code == kExitUsage);
}

TEST_CASE("cli: an unknown policy exits 4 and names the known ones", "[cli]") {
  CliFixture f;
  const Result r = f.run({"check", "--policy", "nope", "--rules", f.rules()}, "top secret");
  CHECK(r.code == kExitRulesError);
  CHECK(r.out.empty());
  CHECK(r.err == "postguard: unknown policy 'nope' (known: demo)\n");
}

// ---- check: text -----------------------------------------------------------------------

TEST_CASE("cli: check text shows line, column and carets under the span", "[cli]") {
  CliFixture f;
  // The emoji is one character (column 3 counts it once) but two terminal columns wide.
  const Result r = f.check("Hello\n\xF0\x9F\x98\x80 top secret plan\n");
  CHECK(r.code == kExitWarnings);
  CHECK(r.err.empty());
  CHECK(r.out ==
        "<stdin>:2:3\n"
        " 2 | \xF0\x9F\x98\x80 top secret plan\n"
        "   |    ^^^^^^^^^^\n"
        "error [confidentiality] demo.secret: Secret stuff.\n"
        "  clause: Demo policy, 1\n"
        "  suggestion: Remove it.\n"
        "\n"
        "1 warning (1 error)\n");
}

TEST_CASE("cli: check text names the file, and pads wide characters and tabs", "[cli]") {
  CliFixture f;
  // "中文" is two wide characters, the tab is copied so the terminal expands both alike.
  const auto post =
      f.tmp().write("post.txt", "ok\r\n\xE4\xB8\xAD\xE6\x96\x87\tthe draft standard\r\n");
  const Result r = f.check("", {post.string()});
  CHECK(r.code == kExitWarnings);
  CHECK(r.out.rfind(post.string() + ":2:8\n"
                                    " 2 | \xE4\xB8\xAD\xE6\x96\x87\tthe draft standard\n"
                                    "   |     \t    ^^^^^^^^^^^^^^\n",
                    0) == 0);
}

TEST_CASE("cli: a span that crosses lines is underlined to the end of its first line", "[cli]") {
  CliFixture f;
  const Result r = f.check("so top\nsecret\n");
  REQUIRE(r.code == kExitWarnings);
  CHECK(r.out.rfind("<stdin>:1:4\n"
                    " 1 | so top\n"
                    "   |    ^^^\n",
                    0) == 0);
}

TEST_CASE("cli: check text summary counts by severity", "[cli]") {
  CliFixture f;
  CHECK(f.check("all clear").out == "No warnings.\n");
  const Result r = f.check("top secret and amazing, draft standard", {"--role", "official"});
  CHECK(r.out.substr(r.out.rfind('\n', r.out.size() - 2) + 1) == "3 warnings (2 errors, 1 info)\n");

  std::vector<Warning> ws(4);
  ws[0].severity = Severity::warning;
  ws[1].severity = Severity::warning;
  ws[2].severity = Severity::error;
  ws[3].severity = Severity::info;
  CHECK(cli::summary_line(ws) == "4 warnings (1 error, 2 warnings, 1 info)");
  CHECK(cli::summary_line({ws[0]}) == "1 warning (1 warning)");
}

TEST_CASE("cli: display width counts terminal columns", "[cli]") {
  CHECK(cli::display_width("abc") == 3);
  CHECK(cli::display_width("\xE4\xB8\xAD") == 2);                      // 中
  CHECK(cli::display_width("\xEF\xBC\xA1") == 2);                      // fullwidth Ａ
  CHECK(cli::display_width("\xF0\x9F\x98\x80") == 2);                  // 😀
  CHECK(cli::display_width("\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD") == 2);  // 👍🏽
  CHECK(cli::display_width("e\xCC\x81") == 1);                         // e + combining acute
  CHECK(cli::display_width("\xE2\x9D\xA4\xEF\xB8\x8F") == 2);          // ❤️
  CHECK(cli::display_width("\xF0\x9F\x87\xAC\xF0\x9F\x87\xA7") == 2);  // 🇬🇧
}

// ---- check: json, input handling, --fail-on ---------------------------------------------

TEST_CASE("cli: check --format json writes the protocol's warnings", "[cli]") {
  CliFixture f;
  // UTF-16 offsets: the emoji is two code units.
  const Result r = f.check("\xF0\x9F\x98\x80 top secret", {"--format", "json"});
  CHECK(r.code == kExitWarnings);
  const nlohmann::json j = nlohmann::json::parse(r.out);
  REQUIRE(j["warnings"].size() == 1);
  const nlohmann::json& w = j["warnings"][0];
  CHECK(w["rule"] == "demo.secret");
  CHECK(w["severity"] == "error");
  CHECK(w["category"] == "confidentiality");
  CHECK(w["start"] == 3);
  CHECK(w["end"] == 13);
  CHECK(f.check("nothing", {"--format", "json"}).out == "{\n  \"warnings\": []\n}\n");
}

TEST_CASE("cli: a BOM is stripped and offsets count from after it", "[cli]") {
  CliFixture f;
  const Result r = f.check("\xEF\xBB\xBFtop secret", {"--format", "json"});
  const nlohmann::json j = nlohmann::json::parse(r.out);
  REQUIRE(j["warnings"].size() == 1);
  CHECK(j["warnings"][0]["start"] == 0);
  CHECK(j["warnings"][0]["end"] == 10);
}

TEST_CASE("cli: check reads FILE, '-' or stdin", "[cli]") {
  CliFixture f;
  const auto post = f.tmp().write("post.txt", "top secret");
  CHECK(f.check("", {post.string()}).code == kExitWarnings);
  CHECK(f.check("top secret", {"-"}).code == kExitWarnings);
  CHECK(f.check("top secret").code == kExitWarnings);
}

TEST_CASE("cli: unreadable or invalid input exits 3 naming the file and byte", "[cli]") {
  CliFixture f;
  const std::string missing = (f.tmp().path() / "missing.txt").string();
  Result r = f.check("", {missing});
  CHECK(r.code == kExitInputError);
  CHECK(r.err == "postguard: cannot read '" + missing + "': No such file or directory\n");

  const auto bad = f.tmp().write("bad.txt",
                                 "ab\xFF"
                                 "cd");
  r = f.check("", {bad.string()});
  CHECK(r.code == kExitInputError);
  CHECK(r.out.empty());
  CHECK(r.err == "postguard: " + bad.string() + ": invalid UTF-8 at byte offset 2\n");

  // Offsets count from the start of the file, BOM included; surrogates are not UTF-8.
  r = f.check("\xEF\xBB\xBFok \xED\xA0\x80");
  CHECK(r.code == kExitInputError);
  CHECK(r.err == "postguard: <stdin>: invalid UTF-8 at byte offset 6\n");

  r = f.check(std::string("top\0secret", 10));
  CHECK(r.code == kExitInputError);
  CHECK(r.err == "postguard: <stdin>: U+0000 at byte offset 3 (a post is text)\n");

  r = f.check("", {f.tmp().path().string()});
  CHECK(r.code == kExitInputError);
  CHECK(r.err == "postguard: cannot read '" + f.tmp().path().string() + "': Is a directory\n");
}

TEST_CASE("cli: --fail-on sets which severity makes the exit code 1", "[cli]") {
  CliFixture f;
  // demo.hype is info and fires for official accounts only.
  CHECK(f.check("amazing").code == kExitOk);
  CHECK(f.check("amazing", {"--role", "official"}).code == kExitOk);  // default: error
  CHECK(f.check("amazing", {"--role", "official", "--fail-on", "warning"}).code == kExitOk);
  CHECK(f.check("amazing", {"--role", "official", "--fail-on", "info"}).code == kExitWarnings);
  CHECK(f.check("top secret", {"--fail-on", "error"}).code == kExitWarnings);
  CHECK(f.check("top secret", {"--fail-on", "info"}).code == kExitWarnings);
  CHECK(f.check("all clear", {"--fail-on", "info"}).code == kExitOk);
}

TEST_CASE("cli: --rules comes after POSTGUARD_RULES_DIR, which comes after the built-ins",
          "[cli]") {
  CliFixture f;
  // The same id in three places: the last directory wins.
  auto pack = [](const std::string& name) {
    return std::string(kDemoPack).replace(std::string(kDemoPack).find("\"Demo\""), 6,
                                          "\"" + name + "\"");
  };
  f.tmp().write("config/postguard/rules/demo.json", pack("From user dir"));
  f.tmp().write("env/demo.json", pack("From env"));
  f.set("POSTGUARD_RULES_DIR", (f.tmp().path() / "env").string());
  CHECK(f.run({"policies", "--format", "json"}).out.find("From env") != std::string::npos);
  const Result r = f.run({"policies", "--format", "json", "--rules", f.rules()});
  const nlohmann::json j = nlohmann::json::parse(r.out);
  REQUIRE(j["policies"].size() == 1);
  CHECK(j["policies"][0]["name"] == "Demo");
  const std::vector<std::string> dirs = j["ruleDirs"];
  REQUIRE(dirs.size() == 5);
  CHECK(dirs[0] == (f.tmp().path() / "data").string());
  CHECK(dirs[3] == (f.tmp().path() / "env").string());
  CHECK(dirs[4] == f.rules());
}

// ---- check --batch ---------------------------------------------------------------------

TEST_CASE("cli: --batch answers every line in order and goes on past bad ones", "[cli]") {
  CliFixture f;
  const std::string input = R"({"id": 1, "text": "top secret plan", "policy": "demo"})"
                            "\n"
                            "not json\n"
                            "\n"
                            R"({"id": "b", "text": "all clear"})"
                            "\r\n"
                            R"({"id": 3, "text": "x", "policy": "nope"})"
                            "\n"
                            R"({"id": 4})"
                            "\n"
                            "{\"id\": 5, \"text\": \"\xFF\"}\n"
                            R"({"id": 6, "text": "amazing", "role": "official"})"
                            "\n"
                            R"({"id": 7, "text": "amazing", "role": "boss"})"
                            "\n"
                            R"({"id": 8, "text": "x", "platform": 7})"
                            "\n"
                            R"({"id": 9, "text": "a\u0000b"})"
                            "\n"
                            R"({"id": 10, "text": "\ud800"})"
                            "\n"
                            R"([1, 2])"
                            "\n";
  const Result r =
      f.run({"check", "--batch", "-", "--policy", "demo", "--rules", f.rules()}, input);
  CHECK(r.code == kExitInputError);
  CHECK(r.err.empty());
  const std::vector<nlohmann::json> out = json_lines(r.out);
  REQUIRE(out.size() == 12);  // the blank line is skipped

  auto error = [](const std::string& code, const std::string& message) {
    return nlohmann::json{{"code", code}, {"message", message}};
  };
  CHECK(out[0]["id"] == 1);
  REQUIRE(out[0]["warnings"].size() == 1);
  CHECK(out[0]["warnings"][0]["rule"] == "demo.secret");
  CHECK(out[1] == nlohmann::json{{"id", nullptr},
                                 {"error", error("bad-json", "line 2: invalid JSON at byte 2")}});
  CHECK(out[2] == nlohmann::json{{"id", "b"}, {"warnings", nlohmann::json::array()}});
  CHECK(out[3] == nlohmann::json{{"id", 3},
                                 {"error", error("unknown-policy",
                                                 "line 5: unknown policy 'nope' (known: demo)")}});
  CHECK(out[4] ==
        nlohmann::json{{"id", 4}, {"error", error("bad-request", "line 6: \"text\" is missing")}});
  CHECK(out[5] ==
        nlohmann::json{
            {"id", nullptr},
            {"error", error("bad-utf8", "line 7: invalid UTF-8 at byte offset 19 of the line")}});
  REQUIRE(out[6]["warnings"].size() == 1);
  CHECK(out[6]["warnings"][0]["rule"] == "demo.hype");
  CHECK(out[7] == nlohmann::json{{"id", 7},
                                 {"error", error("unknown-role",
                                                 "line 9: unknown role 'boss' (expected personal "
                                                 "or official)")}});
  CHECK(out[8] ==
        nlohmann::json{{"id", 8},
                       {"error", error("bad-request", "line 10: \"platform\" must be a string")}});
  CHECK(out[9] == nlohmann::json{
                      {"id", 9},
                      {"error", error("bad-text", "line 11: \"text\" contains U+0000 at byte 1")}});
  CHECK(out[10]["error"]["code"] == "lone-surrogate");
  CHECK(out[11] == nlohmann::json{{"id", nullptr},
                                  {"error", error("bad-request",
                                                  "line 13: expected a JSON object, not array")}});
  // "id" comes first on every line, whatever the JSON library's key order.
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) CHECK(line.rfind("{\"id\":", 0) == 0);
}

TEST_CASE("cli: --batch refuses a nested id without copying it", "[cli]") {
  CliFixture f;
  // Deep enough that a recursive copy or dump would run out of stack.
  const std::string deep = std::string(200000, '[') + std::string(200000, ']');
  const Result r = f.run({"check", "--batch", "-", "--policy", "demo", "--rules", f.rules()},
                         "{\"id\": " + deep + ", \"text\": \"top secret\"}\n" +
                             "{\"id\": 2, \"text\": \"top secret\", \"x\": " + deep + "}\n");
  CHECK(r.code == kExitInputError);
  const std::vector<nlohmann::json> out = json_lines(r.out);
  REQUIRE(out.size() == 2);
  CHECK(out[0] == nlohmann::json::parse(R"({"id": null, "error": {"code": "bad-request",
      "message": "line 1: \"id\" must be a string, a number or null"}})"));
  CHECK(out[1]["warnings"].size() == 1);  // deep fields it does not read are fine
}

TEST_CASE("cli: --batch exit codes: 3 beats 1 beats 0", "[cli]") {
  CliFixture f;
  const std::vector<std::string> args = {"check", "--batch", "-",      "--policy",
                                         "demo",  "--rules", f.rules()};
  CHECK(f.run(args, R"({"text": "all clear"})"
                    "\n")
            .code == kExitOk);
  CHECK(f.run(args, R"({"text": "top secret"})"
                    "\n")
            .code == kExitWarnings);
  CHECK(f.run(args, R"({"text": "top secret"})"
                    "\n{}\n")
            .code == kExitInputError);
  CHECK(f.run(args, "").code == kExitOk);

  // --fail-on and the other options are the lines' defaults.
  std::vector<std::string> official = args;
  official.insert(official.end(), {"--role", "official", "--fail-on", "info"});
  CHECK(f.run(official, R"({"text": "amazing"})").code == kExitWarnings);
  CHECK(f.run(official, R"({"text": "amazing", "role": "personal"})").code == kExitOk);
}

TEST_CASE("cli: --batch reads a file, and needs a policy from the line or --policy", "[cli]") {
  CliFixture f;
  const auto file = f.tmp().write("posts.jsonl",
                                  "\xEF\xBB\xBF{\"id\": \"x\", \"text\": \"hi\"}\n"
                                  "{\"id\": \"y\", \"text\": \"top secret\", "
                                  "\"policy\": \"demo\"}\n");
  const Result r = f.run({"check", "--batch", file.string(), "--rules", f.rules()});
  CHECK(r.code == kExitInputError);
  const std::vector<nlohmann::json> out = json_lines(r.out);
  REQUIRE(out.size() == 2);
  CHECK(out[0]["error"]["message"] == "line 1: \"policy\" is missing and there is no --policy");
  CHECK(out[1]["warnings"].size() == 1);

  const std::string missing = (f.tmp().path() / "nope.jsonl").string();
  const Result m = f.run({"check", "--batch", missing, "--policy", "demo", "--rules", f.rules()});
  CHECK(m.code == kExitInputError);
  CHECK(m.err == "postguard: cannot read '" + missing + "': No such file or directory\n");
}

// ---- policies --------------------------------------------------------------------------

TEST_CASE("cli: policies lists id, name, source, rule count and path", "[cli]") {
  CliFixture f;
  const std::string path = (f.tmp().path() / "rules" / "demo.json").string();
  Result r = f.run({"policies", "--rules", f.rules()});
  CHECK(r.code == kExitOk);
  CHECK(r.err.empty());
  CHECK(r.out ==
        "demo: Demo (2 rules)\n"
        "  source: Demo policy\n"
        "  path: " +
            path + "\n");

  r = f.run({"policies", "--rules", f.rules(), "--format", "json"});
  CHECK(r.code == kExitOk);
  const nlohmann::json j = nlohmann::json::parse(r.out);
  CHECK(j["policies"] == nlohmann::json::parse(R"([{"id": "demo", "name": "Demo",
      "source": "Demo policy", "ruleCount": 2, "path": ")" +
                                               path + R"("}])"));
  CHECK(j["errors"] == nlohmann::json::array());

  r = f.run({"policies"});
  CHECK(r.code == kExitOk);
  CHECK(r.out.rfind("No policies found. Searched:\n", 0) == 0);
}

TEST_CASE("cli: policies reports packs that failed to load on stderr, exit 4", "[cli]") {
  CliFixture f;
  const auto broken = f.tmp().write("rules/broken.json", kBrokenPack);
  const Result r = f.run({"policies", "--rules", f.rules()});
  CHECK(r.code == kExitRulesError);
  CHECK(r.out.rfind("demo: Demo (2 rules)\n", 0) == 0);  // the good pack still loads
  CHECK(r.err.rfind(broken.string() + ":3: rule 'broken.x': unknown category 'nonsense'", 0) == 0);
  CHECK(r.err.find("postguard: the rule packs above failed to load and were left out "
                   "(see 'postguard rules validate')\n") != std::string::npos);
}

// ---- rules validate / rules test --------------------------------------------------------

TEST_CASE("cli: rules validate names file:line for each problem, OK for the rest", "[cli]") {
  CliFixture f;
  const auto broken = f.tmp().write("rules/broken.json", kBrokenPack);
  Result r = f.run({"rules", "validate", f.rules()});
  CHECK(r.code == kExitRulesError);
  const std::string demo = (f.tmp().path() / "rules" / "demo.json").string();
  CHECK(r.out == broken.string() +
                     ":3: rule 'broken.x': unknown category 'nonsense' "
                     "(confidentiality, endorsement, copyright, minor-consent, "
                     "disclaimer, privacy, security, conduct, format)\n" +
                     demo +
                     ": OK\n"
                     "Checked 2 files: 1 problem.\n");

  r = f.run({"rules", "validate", demo});
  CHECK(r.code == kExitOk);
  CHECK(r.out == demo + ": OK\nChecked 1 file: no problems.\n");

  r = f.run({"rules", "validate", broken.string()});
  CHECK(r.code == kExitRulesError);
  CHECK(r.out.rfind(broken.string() + ":3: ", 0) == 0);

  const std::string missing = (f.tmp().path() / "nope").string();
  r = f.run({"rules", "validate", missing});
  CHECK(r.code == kExitRulesError);
  CHECK(r.err == "postguard: cannot read '" + missing + "': No such file or directory\n");
}

TEST_CASE("cli: rules validate without PATH checks the rule directories in use", "[cli]") {
  CliFixture f;
  f.tmp().write("data/demo.json", kDemoPack);
  Result r = f.run({"rules", "validate"});
  CHECK(r.code == kExitOk);
  CHECK(r.out ==
        (f.tmp().path() / "data" / "demo.json").string() + ": OK\nChecked 1 file: no problems.\n");
  f.tmp().write("config/postguard/rules/broken.json", kBrokenPack);
  r = f.run({"rules", "validate"});
  CHECK(r.code == kExitRulesError);
  CHECK(r.out.find("broken.json:3: ") != std::string::npos);
}

TEST_CASE("cli: rules test runs every example and counts passes and failures", "[cli]") {
  CliFixture f;
  Result r = f.run({"rules", "test", "--rules", f.rules()});
  CHECK(r.code == kExitOk);
  CHECK(r.out == "8 passed, 0 failed\n");

  f.tmp().write("flaky/flaky.json", kFlakyPack);
  const std::string flaky = (f.tmp().path() / "flaky").string();
  r = f.run({"rules", "test", "flaky", "--rules", f.rules(), "--rules", flaky});
  CHECK(r.code == kExitWarnings);
  CHECK(r.out ==
        "FAIL flaky.secret: trigger example did not trigger the rule\n"
        "  text: \"nothing here\"\n"
        "  options: platform=twitter role=personal bioDisclaimer=false\n"
        "  got: no warnings\n"
        "FAIL flaky.secret: clean example triggered the rule\n"
        "  text: \"top secret again\"\n"
        "  options: platform=twitter role=personal bioDisclaimer=false\n"
        "  got: flaky.secret at 0-10 \"top secret\"\n"
        "2 passed, 2 failed\n");

  // All policies: demo's 8 and flaky's 4.
  r = f.run({"rules", "test", "--rules", f.rules(), "--rules", flaky});
  CHECK(r.out.substr(r.out.rfind('\n', r.out.size() - 2) + 1) == "10 passed, 2 failed\n");

  r = f.run({"rules", "test", "nope", "--rules", f.rules()});
  CHECK(r.code == kExitRulesError);
  CHECK(r.err == "postguard: unknown policy 'nope' (known: demo)\n");
}

TEST_CASE("cli: rules test exits 4 when a pack failed to load", "[cli]") {
  CliFixture f;
  f.tmp().write("rules/broken.json", kBrokenPack);
  const Result r = f.run({"rules", "test", "--rules", f.rules()});
  CHECK(r.code == kExitRulesError);
  CHECK(r.out == "8 passed, 0 failed\n");  // what did load was still tested
  CHECK(r.err.find("broken.json:3: ") != std::string::npos);
}

// ---- the real binary -------------------------------------------------------------------

// Runs `command` through the shell; returns the exit code and stdout.
std::pair<int, std::string> shell(const std::string& command) {
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

TEST_CASE("cli binary: main passes arguments, stdin and the exit code through", "[cli]") {
  CliFixture f;
  const auto post = f.tmp().write("post.txt", "Hello\ntop secret\n");
  const std::string bin = std::string("'") + POSTGUARD_CLI_PATH + "'";
  auto [code, out] =
      shell(bin + " check --policy demo --rules '" + f.rules() + "' '" + post.string() + "' 2>&1");
  CHECK(code == kExitWarnings);
  CHECK(out.rfind(post.string() + ":2:1\n 2 | top secret\n   | ^^^^^^^^^^\n", 0) == 0);

  std::tie(code, out) =
      shell("printf 'all clear' | " + bin + " check --format json --policy demo " + "--rules '" +
            f.rules() + "' 2>&1");
  CHECK(code == kExitOk);
  CHECK(nlohmann::json::parse(out) == nlohmann::json{{"warnings", nlohmann::json::array()}});

  std::tie(code, out) = shell(bin + " --version");
  CHECK(code == kExitOk);
  CHECK(out == "postguard " + std::string(host_version()) + "\n");

  std::tie(code, out) = shell(bin + " check --frobnicate 2>&1");
  CHECK(code == kExitUsage);
}

}  // namespace
TEST_CASE("cli: --batch answers a number too large for a double as bad JSON and goes on", "[cli]") {
  CliFixture f;
  const Result r = f.run({"check", "--batch", "-", "--policy", "demo", "--rules", f.rules()},
                         "{\"id\": 1e999, \"text\": \"top secret\"}\n"
                         "{\"id\": 2, \"text\": \"top secret\"}\n");
  CHECK(r.code == kExitInputError);
  const std::vector<nlohmann::json> out = json_lines(r.out);
  REQUIRE(out.size() == 2);
  CHECK(out[0]["error"]["code"] == "bad-json");
  CHECK(out[1]["warnings"].size() == 1);
}

}  // namespace postguard

// Shared helpers for tests: temporary rule directories and one-call pack compilation.
#pragma once

#include <unistd.h>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "policy_set.h"
#include "rule_compiler.h"
#include "rule_file.h"
#include "utf.h"

namespace postguard::testing {

// A fresh directory under the system temp dir, removed with everything in it at scope end.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("postguard-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

  std::filesystem::path write(const std::string& relative, const std::string& content) const {
    const std::filesystem::path p = path_ / relative;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }

 private:
  std::filesystem::path path_;
};

// A small policy pack "demo" with one confidentiality rule, for tests that need real rules
// but exact answers: "top secret" and "draft standard" trigger it.
inline constexpr const char* kDemoPack =
    R"({"format": 1, "id": "demo", "kind": "policy", "name": "Demo",
 "source": "Demo policy", "rules": [
 {"id": "demo.secret", "category": "confidentiality", "severity": "error",
  "message": "Secret stuff.", "clause": "Demo policy, 1", "suggestion": "Remove it.",
  "match": {"phrases": ["top secret", "draft standard"]},
  "examples": {"trigger": ["top secret plan", "the draft standard says"],
               "clean": ["a secret", "the standard says"]}}
]})";

// A policy pack "t" holding the given rules (a JSON array's inside), with no shared packs.
inline std::string pack_json(const std::string& rules, const std::string& extra = "") {
  return R"({"format": 1, "id": "t", "kind": "policy", "name": "Test", "source": "Test policy",)" +
         extra + R"( "rules": [)" + rules + "]}";
}

// A rule of pack "t" around `match` (a matcher's JSON), with examples that satisfy the loader.
inline std::string rule_json(const std::string& id, const std::string& match,
                             const std::string& more = "") {
  return R"({"id": "t.)" + id + R"(", "category": "conduct", "severity": "warning",
    "message": "m", "clause": "c", "suggestion": "s", "match": )" +
         match + more + R"(, "examples": {"trigger": ["a", "b"], "clean": ["c", "d"]}})";
}

// The words of `text` each warning underlines, as typed, in order.
inline std::vector<std::string> flagged(const Policy& p, const std::string& text,
                                        const CheckOptions& o = CheckOptions{}) {
  std::vector<std::string> out;
  for (const Warning& w : p.check(text, o)) {
    const auto b = utf::byte_offset_of_utf16(text, w.span.start);
    const auto e = w.span.end == utf::utf16_length(text)
                       ? std::optional<size_t>(text.size())
                       : utf::byte_offset_of_utf16(text, w.span.end);
    if (!b || !e) {
      out.push_back("<span outside the text>");
      continue;
    }
    out.push_back(text.substr(*b, *e - *b));
  }
  return out;
}

inline CompileResult compile_text(const std::string& json_text) {
  Expected<RuleFile> f = parse_rule_file("t.json", json_text);
  if (!f) return CompileResult{nullptr, {f.error().message}};
  return compile_policy(*f, [](std::string_view) { return nullptr; });
}

}  // namespace postguard::testing

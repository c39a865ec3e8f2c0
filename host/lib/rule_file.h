// A rule file read from disk and parsed, with what is needed to point at its lines.
//
//   Expected<RuleFile> f = read_rule_file("rules/iet.json");
//   if (!f) report(f.error().message);   // "rules/iet.json:12:5: invalid JSON: ..."
//   f->line_of("\"iet.minors\"")         // 1-based line of the first occurrence, or 1
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "expected.h"

namespace postguard {

struct RuleFile {
  std::filesystem::path path;
  std::string text;
  nlohmann::json json;
  std::vector<size_t> line_starts;  // byte offset where each line begins

  // 1-based line of the first occurrence of `needle` at or after byte `from`; the line of
  // `from` itself when there is none.
  size_t line_of(std::string_view needle, size_t from = 0) const;
  size_t line_at(size_t byte) const;
  // Byte offset just past the first occurrence of `needle` at or after `from`, or `from`.
  size_t find_after(std::string_view needle, size_t from) const;
};

// Rule files larger than this are refused: no real policy comes near it.
inline constexpr std::uintmax_t kMaxRuleFileBytes = 8u << 20;

Expected<RuleFile> read_rule_file(const std::filesystem::path& path);
Expected<RuleFile> parse_rule_file(std::filesystem::path path, std::string text);

}  // namespace postguard

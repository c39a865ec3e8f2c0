// Polices the shipped rule files: they parse, validate, keep their canonical format, cover
// the five policies, and together exercise every category and every matcher kind.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "policy_set.h"

using namespace postguard;
namespace fs = std::filesystem;

namespace {

const fs::path kRules = POSTGUARD_SOURCE_RULES_DIR;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<fs::path> rule_files() {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(kRules)) {
    if (e.path().extension() == ".json") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

void collect_matcher_kinds(const nlohmann::json& m, std::set<std::string>& kinds) {
  if (!m.is_object()) return;
  for (const auto& [key, value] : m.items()) {
    kinds.insert(key);
    if (value.is_array()) {
      for (const auto& child : value) collect_matcher_kinds(child, kinds);
    } else if (value.is_object()) {
      collect_matcher_kinds(value, kinds);
    }
  }
}

}  // namespace

TEST_CASE("the shipped rules validate", "[rule-files]") {
  const std::vector<std::string> errors = validate_rules_path(kRules);
  INFO((errors.empty() ? std::string() : errors.front()));
  CHECK(errors.empty());
}

TEST_CASE("the shipped rule files keep the canonical format", "[rule-files]") {
  // Two-space indent, keys in the author's order, UTF-8 unescaped, one final newline: what
  // `python3 -m json.tool --indent 2 --no-ensure-ascii` writes, so diffs stay reviewable.
  for (const fs::path& p : rule_files()) {
    const std::string text = slurp(p);
    const std::string canonical = nlohmann::ordered_json::parse(text).dump(2) + "\n";
    INFO(p.string() << " is not in canonical format; reformat it with "
                       "python3 -m json.tool --indent 2 --no-ensure-ascii");
    CHECK(text == canonical);
  }
}

TEST_CASE("the five policies load with every category and matcher kind", "[rule-files]") {
  PolicySet set = PolicySet::load({kRules});
  for (const char* id : {"isoiec-committee", "iso-staff", "iet", "iom", "ico"}) {
    INFO(id);
    REQUIRE(set.find(id) != nullptr);
    CHECK(set.find(id)->info().rule_count >= 5);
  }
  std::set<std::string> categories;
  for (const Policy* p : set.policies()) {
    for (const RuleSummary& r : p->rules()) categories.insert(std::string(to_string(r.category)));
  }
  for (Category c : kAllCategories) {
    INFO(to_string(c));
    CHECK(categories.contains(std::string(to_string(c))));
  }
  std::set<std::string> kinds;
  for (const fs::path& p : rule_files()) {
    if (p.filename() == "schema.json") continue;
    const auto j = nlohmann::json::parse(slurp(p));
    for (const auto& r : j.value("rules", nlohmann::json::array())) {
      for (const char* key : {"match", "unless", "except"}) {
        if (r.contains(key)) collect_matcher_kinds(r[key], kinds);
      }
    }
  }
  for (const char* kind : {"phrases", "regex", "near", "any", "all", "when", "count",
                           "wordsPerHashtag", "length", "names"}) {
    INFO(kind);
    CHECK(kinds.contains(kind));
  }
}

TEST_CASE("each pack's coverage page cites only real rules and every rule", "[rule-files]") {
  // docs/coverage/<policy>.md maps the policy document's statements to rule ids; a renamed
  // or removed rule must not leave the page pointing at nothing, and no rule goes unmapped.
  PolicySet set = PolicySet::load({kRules});
  const fs::path docs = fs::path(POSTGUARD_SOURCE_RULES_DIR).parent_path() / "docs" / "coverage";
  for (const Policy* p : set.policies()) {
    INFO(p->info().id);
    const fs::path page = docs / (p->info().id + ".md");
    REQUIRE(fs::exists(page));
    const std::string text = slurp(page);
    std::set<std::string> ids;
    for (const RuleSummary& r : p->rules()) ids.insert(r.id);
    // Rule ids are written in backticks: `iet.minor-consent.under-18`.
    const std::string opener = "`" + p->info().id + ".";
    for (size_t at = text.find(opener); at != std::string::npos; at = text.find(opener, at + 1)) {
      const size_t close = text.find('`', at + 1);
      if (close == std::string::npos) break;
      const std::string cited = text.substr(at + 1, close - at - 1);
      if (cited.ends_with(".") || cited.ends_with(".json") || cited.ends_with(".md") ||
          cited.find('*') != std::string::npos) {
        continue;  // the prefix itself, a file name, or a family of rules such as `iom.format.*`
      }
      INFO("cited: " << cited);
      CHECK(ids.contains(cited));
    }
    for (const std::string& id : ids) {
      INFO("rule not on the coverage page: " << id);
      CHECK(text.find(id) != std::string::npos);
    }
  }
}

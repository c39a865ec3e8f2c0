// Finds, loads and compiles the policy packs from the rule directories.
//
//   PolicySet set = PolicySet::load(default_rule_dirs());        // + user's --rules DIR
//   for (const std::string& e : set.errors()) log(e);             // "path:line: ..." each
//   if (const Policy* p = set.find("iom")) p->check(text, opts);
//
// Directories are searched in order and a later directory's pack replaces an earlier pack
// with the same id: installed data dir, then admin dir, then user dir, then --rules DIR.
// A pack that fails to load is left out and reported in errors(); the others still load.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "policy.h"

namespace postguard {

class PolicySet {
 public:
  static PolicySet load(const std::vector<std::filesystem::path>& dirs);

  const Policy* find(std::string_view id) const;
  std::vector<const Policy*> policies() const;  // sorted by id
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  std::vector<std::shared_ptr<const Policy>> policies_;
  std::vector<std::string> errors_;
};

// The built-in search order (without --rules): installed data dir, admin dir, user dir.
// Linux: <prefix>/share/postguard/rules (or the source tree's rules/ when run from a build
// tree), /etc/postguard/rules, $XDG_CONFIG_HOME/postguard/rules (~/.config/postguard/rules).
// Windows: the rules\ folder next to the program (where the MSI puts it) when it exists,
// %ProgramData%\Postguard\rules, %APPDATA%\Postguard\rules.
// POSTGUARD_DATA_DIR, if set, replaces the installed data dir.
std::vector<std::filesystem::path> default_rule_dirs();

}  // namespace postguard

namespace postguard {

// Loads the packs at `path` (a rules directory, or one pack file whose shared packs are
// looked up in the `shared/` directory beside it) without keeping them, and returns every
// problem found, each as "path:line: message". Empty means valid.
std::vector<std::string> validate_rules_path(const std::filesystem::path& path);

}  // namespace postguard

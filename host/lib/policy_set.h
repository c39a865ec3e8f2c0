// Finds, loads and compiles the policy packs from the rule directories.
//
//   PolicySet set = PolicySet::load(default_rule_dirs());        // + user's --rules DIR
//   for (const std::string& e : set.errors()) log(e);             // "path:line: ..." each
//   if (const Policy* p = set.find("iom")) p->check(text, opts);
//
// Directories are searched in order and a later directory's pack replaces an earlier pack
// with the same id: installed data dir, then admin dir, then user dir, then --rules DIR.
// A pack that fails to load is left out and reported in errors(); the others still load.
// A running host reloads with rules_watch.h, which keeps a policy's last good pack in force
// (stale()) while its files are broken.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "policy.h"

namespace postguard {

class PolicySet {
 public:
  static PolicySet load(const std::vector<std::filesystem::path>& dirs);

  const Policy* find(std::string_view id) const;
  std::shared_ptr<const Policy> find_shared(std::string_view id) const;
  std::vector<const Policy*> policies() const;  // sorted by id
  const std::vector<std::string>& errors() const { return errors_; }

  // The problems met loading policy `id` (its packs, from the last directory back, and the
  // shared packs they extend); empty when its preferred pack loaded cleanly.
  const std::vector<std::string>& errors_for(std::string_view id) const;
  // True when `id` is served by keep() from an earlier load, not from its files as they are.
  bool stale(std::string_view id) const { return stale_.contains(id); }

  // Serves `previous` (from an earlier load) in place of whatever this set has for its id,
  // marked stale; `why`, when not empty, is added to errors() and to errors_for(its id).
  void keep(std::shared_ptr<const Policy> previous, const std::string& why = {});
  // Adds a problem that belongs to no one policy (loading failed as a whole).
  void report(std::string error) { errors_.push_back(std::move(error)); }

 private:
  std::vector<std::shared_ptr<const Policy>> policies_;
  std::vector<std::string> errors_;
  std::map<std::string, std::vector<std::string>, std::less<>> policy_errors_;
  std::set<std::string, std::less<>> stale_;
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

#include "policy_set.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <optional>

#include "regex_bank.h"
#include "rule_compiler.h"
#include "rule_file.h"

#ifdef _WIN32
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef NOMINMAX
#define NOMINMAX  // std::min, not the windows.h macro
#endif
#include <windows.h>
#endif

namespace postguard {
namespace fs = std::filesystem;

namespace {

// The pack files of one kind in `dir`, by id (file stem), sorted for stable reports.
std::map<std::string, fs::path> json_files(const fs::path& dir, std::vector<std::string>& errors) {
  std::map<std::string, fs::path> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  fs::directory_iterator it(dir, ec);
  if (ec) {
    errors.push_back(dir.string() + ": cannot read the directory: " + ec.message());
    return out;
  }
  // increment(ec), not a range-for: a directory that breaks while being listed (removed,
  // unmounted) must be an error value, not an exception through a running host.
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const fs::path& p = it->path();
    std::error_code type_ec;
    if (p.extension() == ".json" && p.filename() != "schema.json" && it->is_regular_file(type_ec)) {
      out[p.stem().string()] = p;
    }
  }
  if (ec) errors.push_back(dir.string() + ": cannot read the directory: " + ec.message());
  return out;
}

// Shared packs parsed on first use, and each parse error reported once.
class SharedPacks {
 public:
  SharedPacks(std::map<std::string, fs::path> paths, std::vector<std::string>& errors)
      : paths_(std::move(paths)), errors_(errors) {}

  const RuleFile* find(std::string_view id) {
    auto p = paths_.find(std::string(id));
    if (p == paths_.end()) return nullptr;
    auto [it, fresh] = cache_.try_emplace(p->first);
    if (fresh) {
      Expected<RuleFile> f = read_rule_file(p->second);
      if (f) {
        it->second = std::move(*f);
      } else {
        errors_.push_back(f.error().message);
      }
    }
    return it->second ? &*it->second : nullptr;
  }

  const std::map<std::string, fs::path>& paths() const { return paths_; }

 private:
  std::map<std::string, fs::path> paths_;
  std::map<std::string, std::optional<RuleFile>> cache_;
  std::vector<std::string>& errors_;
};

std::optional<fs::path> env_path(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return std::nullopt;
  return fs::path(v);
}

#ifdef _WIN32
// The directory of the running program. The MSI puts the packs in its rules\ folder, and
// msiexec INSTALLDIR=... can move that folder anywhere, so no path fixed at build time fits.
std::optional<fs::path> program_dir() {
  std::wstring buf(MAX_PATH, L'\0');
  for (;;) {
    const DWORD n = GetModuleFileNameW(nullptr, buf.data(), static_cast<DWORD>(buf.size()));
    if (n == 0) return std::nullopt;
    if (n < buf.size()) return fs::path(buf.substr(0, n)).parent_path();
    buf.resize(buf.size() * 2);
  }
}
#endif

}  // namespace

PolicySet PolicySet::load(const std::vector<fs::path>& dirs) {
  PolicySet set;
  std::map<std::string, std::vector<fs::path>> policies;  // by id, in directory order
  std::map<std::string, fs::path> shared;
  for (const fs::path& dir : dirs) {
    for (auto& [id, path] : json_files(dir, set.errors_)) policies[id].push_back(path);
    for (auto& [id, path] : json_files(dir / "shared", set.errors_)) shared[id] = path;
  }
  SharedPacks packs(std::move(shared), set.errors_);
  const SharedPackLookup lookup = [&packs](std::string_view id) { return packs.find(id); };
  auto regexes = std::make_shared<RegexBank>();
  PhraseCache phrases;
  for (const auto& [id, paths] : policies) {
    const std::size_t errors_before = set.errors_.size();
    // The last directory wins; if its pack is broken, the one it would have replaced stays
    // in force, so a bad edit in a user or admin directory never leaves a policy missing.
    for (auto path = paths.rbegin(); path != paths.rend(); ++path) {
      Expected<RuleFile> file = read_rule_file(*path);
      if (!file) {
        set.errors_.push_back(file.error().message);
        continue;
      }
      CompileResult r = compile_policy(*file, lookup, regexes, &phrases);
      set.errors_.insert(set.errors_.end(), r.problems.begin(), r.problems.end());
      if (r.policy) {
        set.policies_.push_back(std::move(r.policy));
        break;
      }
    }
    if (set.errors_.size() > errors_before) {
      set.policy_errors_[id].assign(
          set.errors_.begin() + static_cast<std::ptrdiff_t>(errors_before), set.errors_.end());
    }
  }
  if (Expected<bool> ok = regexes->compile(); !ok) {
    std::string error = "rules: " + ok.error().message + "; no policy could be loaded";
    set.errors_.push_back(error);
    for (const auto& [id, paths] : policies) set.policy_errors_[id].push_back(error);
    set.policies_.clear();
  }
  return set;
}

std::shared_ptr<const Policy> PolicySet::find_shared(std::string_view id) const {
  for (const auto& p : policies_) {
    if (p->info().id == id) return p;
  }
  return nullptr;
}

const std::vector<std::string>& PolicySet::errors_for(std::string_view id) const {
  static const std::vector<std::string> kNone;
  auto it = policy_errors_.find(id);
  return it == policy_errors_.end() ? kNone : it->second;
}

void PolicySet::keep(std::shared_ptr<const Policy> previous, const std::string& why) {
  const std::string id = previous->info().id;
  auto at = std::lower_bound(policies_.begin(), policies_.end(), id,
                             [](const std::shared_ptr<const Policy>& p, const std::string& k) {
                               return p->info().id < k;
                             });
  if (at != policies_.end() && (*at)->info().id == id) {
    *at = std::move(previous);
  } else {
    policies_.insert(at, std::move(previous));
  }
  stale_.insert(id);
  if (!why.empty()) {
    if (std::find(errors_.begin(), errors_.end(), why) == errors_.end()) errors_.push_back(why);
    policy_errors_[id].push_back(why);
  }
}

const Policy* PolicySet::find(std::string_view id) const {
  for (const auto& p : policies_) {
    if (p->info().id == id) return p.get();
  }
  return nullptr;
}

std::vector<const Policy*> PolicySet::policies() const {
  std::vector<const Policy*> out;
  for (const auto& p : policies_) out.push_back(p.get());
  return out;  // loaded from a std::map, so already sorted by id
}

std::vector<fs::path> default_rule_dirs() {
  std::vector<fs::path> dirs;
  if (auto d = env_path("POSTGUARD_DATA_DIR")) {
    dirs.push_back(*d);
#ifdef _WIN32
  } else if (auto p = program_dir(); p && fs::is_directory(*p / "rules")) {
    dirs.push_back(*p / "rules");
#endif
  } else if (fs::path installed = POSTGUARD_INSTALL_RULES_DIR; fs::is_directory(installed)) {
    dirs.push_back(installed);
  } else {
    // Run from a build tree before `cmake --install`: use the checkout's rules.
    dirs.push_back(POSTGUARD_SOURCE_RULES_DIR);
  }
#ifdef _WIN32
  if (auto pd = env_path("ProgramData")) dirs.push_back(*pd / "Postguard" / "rules");
  if (auto ad = env_path("APPDATA")) dirs.push_back(*ad / "Postguard" / "rules");
#else
  dirs.push_back("/etc/postguard/rules");
  if (auto x = env_path("XDG_CONFIG_HOME")) {
    dirs.push_back(*x / "postguard" / "rules");
  } else if (auto h = env_path("HOME")) {
    dirs.push_back(*h / ".config" / "postguard" / "rules");
  }
#endif
  return dirs;
}

std::vector<std::string> validate_rules_path(const fs::path& path) {
  std::vector<std::string> errors;
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    PolicySet set = PolicySet::load({path});
    errors = set.errors();
    // Shared packs no policy extends are still checked on their own.
    for (const auto& [id, p] : json_files(path / "shared", errors)) {
      Expected<RuleFile> f = read_rule_file(p);
      if (!f) {
        if (std::find(errors.begin(), errors.end(), f.error().message) == errors.end()) {
          errors.push_back(f.error().message);
        }
        continue;
      }
      for (std::string& e : validate_shared_pack(*f)) {
        if (std::find(errors.begin(), errors.end(), e) == errors.end()) errors.push_back(e);
      }
    }
    return errors;
  }
  if (!fs::exists(path, ec)) return {path.string() + ": no such file or directory"};
  Expected<RuleFile> f = read_rule_file(path);
  if (!f) return {f.error().message};
  if (path.parent_path().filename() == "shared") return validate_shared_pack(*f);
  SharedPacks packs(json_files(path.parent_path() / "shared", errors), errors);
  CompileResult r = compile_policy(*f, [&packs](std::string_view id) { return packs.find(id); });
  errors.insert(errors.end(), r.problems.begin(), r.problems.end());
  return errors;
}

}  // namespace postguard

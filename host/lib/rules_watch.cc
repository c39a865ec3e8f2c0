#include "rules_watch.h"

#include <exception>
#include <system_error>
#include <utility>

namespace postguard {
namespace fs = std::filesystem;

namespace {

// One line per directory and per pack file, so any added, removed, resized or rewritten
// file (or a directory that appeared, vanished or became unreadable) changes the string.
void describe_dir(const fs::path& dir, std::string& out) {
  out += dir.string();
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) {
    out += "\t!" + std::to_string(ec.value()) + "\n";
    return;
  }
  out += "\n";
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const fs::path& p = it->path();
    if (p.extension() != ".json") continue;
    std::error_code e;
    const std::uintmax_t size = it->file_size(e);
    const auto mtime = it->last_write_time(e).time_since_epoch().count();
    out +=
        p.filename().string() + '\t' + std::to_string(size) + '\t' + std::to_string(mtime) + '\n';
  }
  if (ec) out += "\t!" + std::to_string(ec.value()) + "\n";
}

std::string fingerprint(const std::vector<fs::path>& dirs) {
  std::string out;
  for (const fs::path& d : dirs) {
    describe_dir(d, out);
    describe_dir(d / "shared", out);
  }
  return out;
}

// Why `dir` cannot be listed any more, worded as PolicySet::load words it; empty when it can.
std::string unreadable(const fs::path& dir) {
  std::error_code ec;
  const fs::file_status st = fs::status(dir, ec);
  if (!ec && st.type() == fs::file_type::not_found) {
    ec = std::make_error_code(std::errc::no_such_file_or_directory);
  } else if (!ec && st.type() != fs::file_type::directory) {
    ec = std::make_error_code(std::errc::not_a_directory);
  } else if (!ec) {
    fs::directory_iterator it(dir, ec);
  }
  if (!ec) return {};
  return dir.string() + ": cannot read the directory: " + ec.message();
}

}  // namespace

PolicySet reload_keeping_last_good(const PolicySet& last, const std::vector<fs::path>& dirs) {
  PolicySet next;
  try {
    next = PolicySet::load(dirs);
  } catch (const std::exception& e) {
    next = PolicySet();
    const std::string why = std::string("rules: loading failed: ") + e.what();
    if (last.policies().empty()) next.report(why);
    for (const Policy* p : last.policies()) next.keep(last.find_shared(p->info().id), why);
    return next;
  }
  for (const Policy* p : last.policies()) {
    const std::string& id = p->info().id;
    const std::string gone = unreadable(fs::path(p->info().path).parent_path());
    if (!gone.empty()) {
      next.keep(last.find_shared(id), gone);
      continue;
    }
    // A problem with the policy, unless the file it was served from still loads (an earlier
    // directory's pack standing in for a broken later one since start-up): that file as it
    // is now is the better answer.
    const Policy* fresh = next.find(id);
    if (!next.errors_for(id).empty() &&
        (fresh == nullptr || fresh->info().path != p->info().path)) {
      next.keep(last.find_shared(id));
    }
  }
  return next;
}

RulesWatch::RulesWatch(std::vector<fs::path> dirs, std::chrono::milliseconds interval, Clock now)
    : dirs_(std::move(dirs)), interval_(interval), now_(std::move(now)) {
  last_look_ = now_();
  // Taken before loading: an edit made while we load shows up at the next look.
  fingerprint_ = fingerprint(dirs_);
  current_ = reload_keeping_last_good(PolicySet(), dirs_);
}

std::optional<RulesReload> RulesWatch::poll() {
  try {
    const auto now = now_();
    if (now - last_look_ < interval_) return std::nullopt;
    last_look_ = now;
    std::string print = fingerprint(dirs_);
    if (print == fingerprint_) return std::nullopt;
    current_ = reload_keeping_last_good(current_, dirs_);
    fingerprint_ = std::move(print);
    RulesReload r;
    r.errors = current_.errors();
    for (const Policy* p : current_.policies()) {
      if (current_.stale(p->info().id)) r.kept.push_back(p->info().id);
    }
    return r;
  } catch (...) {
    // Out of memory while reloading: current_ still holds the old rules and the old
    // fingerprint makes the next look try again.
    return std::nullopt;
  }
}

}  // namespace postguard

#include "installer.h"

#include <unistd.h>
#if defined(__APPLE__)
#include <mach-o/dyld.h>
#endif

#include <cstdint>
#include <fstream>
#include <sstream>
#include <vector>

#include "host_manifest.h"

namespace postguard {
namespace fs = std::filesystem;

namespace {

std::string in_quotes(const fs::path& p) { return "'" + p.string() + "'"; }

// create_directories, then mode 0755 on each directory it made: a system manifest must be
// readable by every user whatever root's umask is.
std::error_code make_dirs(const fs::path& dir) {
  std::error_code ec;
  fs::path first_missing;
  for (fs::path p = dir; !p.empty() && !fs::exists(p, ec); p = p.parent_path()) {
    first_missing = p;
    if (p == p.parent_path()) break;
  }
  fs::create_directories(dir, ec);
  if (ec || first_missing.empty()) return ec;
  for (fs::path p = dir;; p = p.parent_path()) {
    fs::permissions(p, fs::perms(0755), ec);
    if (ec || p == first_missing || p == p.parent_path()) break;
  }
  return ec;
}

std::error_code write_file(const fs::path& file, const std::string& text) {
  const fs::path tmp = file.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) return std::make_error_code(std::errc::io_error);
  }
  std::error_code ec;
  fs::permissions(tmp, fs::perms(0644), ec);
  if (!ec) fs::rename(tmp, file, ec);
  if (ec) {
    std::error_code ignored;  // best effort: the write already failed
    fs::remove(tmp, ignored);
  }
  return ec;
}

std::string error_text(const std::error_code& ec) {
  return ec == std::errc::io_error ? "write failed" : ec.message();
}

}  // namespace

Expected<std::vector<PlannedManifest>> plan_manifests(Os os, Level level,
                                                      const std::vector<Browser>& browsers,
                                                      const Locations& where) {
  if (os == Os::windows) {
    return Error{
        "on Windows the MSI installer registers the host; 'postguard install' is for Linux and "
        "macOS"};
  }
  std::vector<PlannedManifest> plan;
  for (const InstallTarget& t : targets_for(os, level)) {
    bool chosen = browsers.empty();
    for (Browser b : browsers) chosen = chosen || b == t.browser;
    if (!chosen || !applies(t, where)) continue;
    std::optional<fs::path> file = manifest_file(t, where);
    if (!file) return Error{"cannot find the user's directories: $HOME is not set"};
    bool merged = false;
    for (PlannedManifest& p : plan) {
      if (p.file == *file) {
        p.browsers.push_back(t.browser);
        merged = true;
      }
    }
    if (!merged) plan.push_back({*file, family_of(t.browser), {t.browser}});
  }
  return plan;
}

Expected<fs::path> default_host_path() {
  std::error_code ec;
#if defined(__APPLE__)
  // macOS has no /proc; dyld knows the path the program was started by (not built or tested
  // here, see installers/macos/README.md).
  std::uint32_t size = 0;
  _NSGetExecutablePath(nullptr, &size);
  std::vector<char> buffer(size + 1, '\0');
  if (_NSGetExecutablePath(buffer.data(), &size) != 0) {
    return Error{"cannot find the running program (_NSGetExecutablePath)"};
  }
  const std::string started = buffer.data();
  const fs::path self = fs::canonical(started, ec);
  if (ec) return Error{"cannot find the running program (" + started + "): " + ec.message()};
#else
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return Error{"cannot find the running program (/proc/self/exe): " + ec.message()};
#endif
  return self.parent_path() / "postguard-host";
}

Expected<fs::path> check_host(const fs::path& host) {
  if (!host.is_absolute()) return Error{"the host path " + in_quotes(host) + " is not absolute"};
  std::error_code ec;
  if (!fs::exists(host, ec)) {
    return Error{"postguard-host not found at " + in_quotes(host) + " (name it with --host PATH)"};
  }
  if (!fs::is_regular_file(host, ec) || ::access(host.c_str(), X_OK) != 0) {
    return Error{in_quotes(host) + " is not an executable file (chmod 755 " + in_quotes(host) +
                 ")"};
  }
  return host;
}

std::optional<std::string> root_problem(Level level, const Locations& where, unsigned euid,
                                        std::string_view command) {
  if (level != Level::system || !where.root.empty() || euid == 0) return std::nullopt;
  return "--system needs root: run 'sudo postguard " + std::string(command) + " --system'";
}

Expected<std::vector<fs::path>> install_manifests(const std::vector<PlannedManifest>& plan,
                                                  const fs::path& host) {
  std::vector<fs::path> written;
  for (const PlannedManifest& p : plan) {
    std::error_code ec = make_dirs(p.file.parent_path());
    if (!ec) ec = write_file(p.file, host_manifest_json(p.family, host.string()));
    if (ec) return Error{"cannot write " + in_quotes(p.file) + ": " + error_text(ec)};
    written.push_back(p.file);
  }
  return written;
}

Expected<UninstallResult> uninstall_manifests(const std::vector<PlannedManifest>& plan) {
  UninstallResult result;
  for (const PlannedManifest& p : plan) {
    std::error_code ec;
    if (!fs::is_regular_file(p.file, ec)) continue;
    std::ifstream in(p.file, std::ios::binary);
    if (!in.is_open()) {
      result.kept.push_back("left " + in_quotes(p.file) + " alone: it is unreadable");
      continue;
    }
    std::ostringstream text;
    text << in.rdbuf();
    Expected<ManifestFacts> facts = read_manifest_facts(text.str());
    if (!facts) {
      result.kept.push_back("left " + in_quotes(p.file) + " alone: it is not a manifest (" +
                            facts.error().message + ")");
      continue;
    }
    if (facts->name != std::string(kHostName)) {
      result.kept.push_back("left " + in_quotes(p.file) + " alone: its name is not " +
                            std::string(kHostName));
      continue;
    }
    if (!fs::remove(p.file, ec) && ec) {
      return Error{"cannot remove " + in_quotes(p.file) + ": " + ec.message()};
    }
    result.removed.push_back(p.file);
    const fs::path dir = p.file.parent_path();
    if (fs::is_empty(dir, ec) && !ec) fs::remove(dir, ec);
  }
  return result;
}

}  // namespace postguard

// `postguard install` / `uninstall`: write the host manifest into every location of the
// install table (install_targets.h) for the chosen browsers and level, or remove it again.
//
//   Locations where = Locations::from_process();
//   auto plan = plan_manifests(Os::linux_os, Level::user, {}, where);   // {} = every browser
//   if (!plan) return fail(plan.error());
//   auto host = check_host(*default_host_path());
//   auto written = install_manifests(*plan, *host);
//   ...
//   auto removed = uninstall_manifests(*plan);   // only files whose name is org.postguard.host
//
// Linux and macOS only. On Windows the MSI registers the host (HKLM/HKCU keys whose default
// value is the manifest path, see install_targets.h); plan_manifests() says so instead of
// writing the registry, which keeps this code free of #ifdef _WIN32.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "expected.h"
#include "install_targets.h"

namespace postguard {

// One manifest file and the browsers that read it (Chrome and Brave share a system dir).
struct PlannedManifest {
  std::filesystem::path file;
  Family family;
  std::vector<Browser> browsers;
};

// The manifest files for `browsers` (empty: every browser on `os`) at `level`, one per
// distinct path, in table order. Errors:
//   "on Windows the MSI installer registers the host; 'postguard install' is for Linux and macOS"
//   "cannot find the user's directories: $HOME is not set"
Expected<std::vector<PlannedManifest>> plan_manifests(Os os, Level level,
                                                      const std::vector<Browser>& browsers,
                                                      const Locations& where);

// postguard-host beside the running program (/proc/self/exe; macOS: _NSGetExecutablePath).
// Error: "cannot find the running program (/proc/self/exe): <reason>".
Expected<std::filesystem::path> default_host_path();

// `host` if it is absolute, exists and is executable. Errors:
//   "the host path 'x' is not absolute"
//   "postguard-host not found at 'x' (name it with --host PATH)"
//   "'x' is not an executable file (chmod 755 'x')"
Expected<std::filesystem::path> check_host(const std::filesystem::path& host);

// "--system needs root: run 'sudo postguard <command> --system'" when a system-level run
// would touch the real system (no POSTGUARD_INSTALL_ROOT) without root; else nullopt.
std::optional<std::string> root_problem(Level level, const Locations& where, unsigned euid,
                                        std::string_view command);

// Writes each planned manifest (creating its directory, mode 0755; the file 0644, replaced
// atomically) with `path` = `host`. Returns the files written. Error:
// "cannot write 'x': <reason>" (files written before it stay).
Expected<std::vector<std::filesystem::path>> install_manifests(
    const std::vector<PlannedManifest>& plan, const std::filesystem::path& host);

struct UninstallResult {
  std::vector<std::filesystem::path> removed;
  std::vector<std::string> kept;  // "left 'x' alone: ..." for files that are not ours
};

// Removes each planned file that is a manifest named org.postguard.host, then its directory
// if that is now empty. Absent files are skipped. Error: "cannot remove 'x': <reason>".
Expected<UninstallResult> uninstall_manifests(const std::vector<PlannedManifest>& plan);

}  // namespace postguard

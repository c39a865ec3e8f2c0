// `postguard doctor`: why the extension cannot reach postguard-host, and the fix, in words.
//
//   DoctorOptions opts;                       // this OS, Locations::from_process()
//   opts.rule_dirs = host_rule_dirs();
//   DoctorReport report = run_doctor(opts);
//   write_doctor_text(report, std::cout);     // or write_doctor_json
//   return report.all_green() ? 0 : 1;
//
// For every browser of the install table on this OS whose config dir exists or that has a
// manifest: where its user and system manifests are; for each, whether it parses, names
// org.postguard.host, has an absolute `path` to an executable and allows our extension;
// whether a user manifest shadows a system one (Chromium browsers do not fall back to the
// system manifest when the user one is broken; Firefox skips a user manifest that does not
// parse); then a real round trip with the manifest the browser would use: start its host the
// way the browser does, send a framed hello and wait for the answer. Plus: do the rules load.
#pragma once

#include <chrono>
#include <filesystem>
#include <iosfwd>
#include <string>
#include <utility>
#include <vector>

#include "install_targets.h"

namespace postguard {

struct DoctorCheck {
  std::string group;    // "Google Chrome", "Rules"
  std::string subject;  // "user manifest", "system manifest", "round trip", "policies"
  std::string path;     // the file concerned, or ""
  bool ok = true;
  std::string message;  // what was found
  std::string fix;      // what to do, in plain words ("" when ok)
};

struct DoctorReport {
  std::vector<DoctorCheck> checks;
  std::vector<std::string> absent;  // browsers with no config dir and no manifest (skipped)
  bool all_green() const;
  int problems() const;
};

struct DoctorOptions {
  Os os = current_os();
  Locations where = Locations::from_process();
  std::vector<std::filesystem::path> rule_dirs;  // what PolicySet::load checks
  std::chrono::milliseconds timeout{2000};       // for the round trip's answer
  // Added to (or, with an empty value, removed from) the host's environment; for tests.
  std::vector<std::pair<std::string, std::string>> host_env;
};

DoctorReport run_doctor(const DoctorOptions& options);

// Starts `host` with `args` (the browser's arguments), sends {"id":1,"type":"hello"} as a
// frame and reads the framed answer within `timeout`. ok: the message is "answered hello
// (N policies)"; else it says what went wrong ("no answer within 2000 ms", ...).
struct RoundTrip {
  bool ok = false;
  std::string message;
};
RoundTrip round_trip(const std::filesystem::path& host, const std::vector<std::string>& args,
                     std::chrono::milliseconds timeout,
                     const std::vector<std::pair<std::string, std::string>>& host_env = {});

// Grouped list: each group, each subject with its path, then "ok"/"PROBLEM" lines with the
// fixes; ends with "All green." or "N problems found.".
void write_doctor_text(const DoctorReport& report, std::ostream& out);
// {"ok": bool, "problems": N, "checks": [{"group", "subject", "path", "ok", "message",
// "fix"}...], "absent": ["Vivaldi"...]}
void write_doctor_json(const DoctorReport& report, std::ostream& out);

}  // namespace postguard

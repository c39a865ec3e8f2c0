#include "doctor.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <ostream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "frame.h"
#include "host_manifest.h"
#include "policy_set.h"

extern char** environ;

namespace postguard {
namespace fs = std::filesystem;

namespace {

std::string in_quotes(const std::string& s) { return "'" + s + "'"; }

std::string install_command(Level level, Browser b) {
  const std::string browser = " --browser " + std::string(to_string(b));
  return level == Level::user ? "run 'postguard install --user" + browser + "'"
                              : "run 'sudo postguard install --system" + browser + "'";
}

// One manifest file, checked field by field.
struct ManifestDiagnosis {
  bool exists = false;
  bool parses = false;
  bool healthy = false;  // every check passed
  std::optional<std::string> host;
};

ManifestDiagnosis diagnose_manifest(const fs::path& file, Browser browser, Level level,
                                    std::vector<DoctorCheck>& checks) {
  ManifestDiagnosis d;
  std::error_code ec;
  if (!fs::exists(file, ec)) return d;
  d.exists = true;
  const std::string group(display_name(browser));
  const std::string subject = std::string(to_string(level)) + " manifest";
  const std::string reinstall = install_command(level, browser);
  auto add = [&](bool ok, std::string message, std::string fix) {
    checks.push_back({group, subject, file.string(), ok, std::move(message),
                      ok ? std::string() : std::move(fix)});
    return ok;
  };

  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  if (in.is_open()) text << in.rdbuf();
  if (!in.is_open() || in.bad()) {
    add(false, "cannot be read", "make it readable (chmod 644 " + in_quotes(file.string()) + ")");
    return d;
  }
  Expected<ManifestFacts> facts = read_manifest_facts(text.str());
  if (!facts) {
    add(false, "does not parse: " + facts.error().message,
        level == Level::user ? "remove the broken user manifest at " + in_quotes(file.string()) +
                                   ", then " + reinstall
                             : reinstall + " to rewrite it");
    return d;
  }
  d.parses = true;
  bool healthy = add(true, "parses as JSON", "");

  if (facts->name == std::string(kHostName)) {
    add(true, "name is " + std::string(kHostName), "");
  } else {
    healthy =
        add(false,
            facts->name ? "name is " + in_quotes(*facts->name) + ", not " + std::string(kHostName)
                        : "has no name",
            reinstall) &&
        healthy;
  }
  if (facts->type != "stdio") {
    healthy = add(false, "type is not \"stdio\"", reinstall) && healthy;
  }
  for (const std::string& wrong : facts->wrong_types) {
    healthy = add(false, wrong, reinstall) && healthy;
  }

  if (!facts->path) {
    healthy = add(false, "has no path to the host", reinstall) && healthy;
  } else {
    d.host = *facts->path;
    const fs::path host(*facts->path);
    const std::string q = in_quotes(*facts->path);
    if (!host.is_absolute()) {
      healthy =
          add(false, "path " + q + " is not absolute (Linux and macOS need one)", reinstall) &&
          healthy;
    } else if (!fs::exists(host, ec)) {
      healthy = add(false, "path " + q + " does not exist",
                    reinstall + " (add --host PATH if postguard-host is elsewhere)") &&
                healthy;
    } else if (!fs::is_regular_file(host, ec) || ::access(host.c_str(), X_OK) != 0) {
      healthy =
          add(false, "path " + q + " is not an executable file", "run 'chmod 755 " + q + "'") &&
          healthy;
    } else {
      add(true, "path " + q + " is an executable file", "");
    }
  }

  if (family_of(browser) == Family::chromium) {
    const std::vector<std::string>& origins = facts->allowed_origins;
    const std::string want(kChromiumOrigin);
    const std::string no_slash = want.substr(0, want.size() - 1);
    if (std::find(origins.begin(), origins.end(), want) != origins.end()) {
      add(true, "allowed_origins has " + want, "");
    } else if (std::find(origins.begin(), origins.end(), no_slash) != origins.end()) {
      healthy = add(false, "allowed_origins has " + no_slash + " without the trailing slash",
                    reinstall) &&
                healthy;
    } else {
      healthy = add(false, "allowed_origins does not name the Postguard extension (" + want + ")",
                    reinstall) &&
                healthy;
    }
  } else {
    const std::vector<std::string>& ids = facts->allowed_extensions;
    const std::string want(kFirefoxExtensionId);
    if (std::find(ids.begin(), ids.end(), want) != ids.end()) {
      add(true, "allowed_extensions has " + want, "");
    } else {
      healthy = add(false, "allowed_extensions does not name the Postguard add-on (" + want + ")",
                    reinstall) &&
                healthy;
    }
  }
  d.healthy = healthy;
  return d;
}

bool exists(const std::optional<fs::path>& p) {
  std::error_code ec;
  return p && fs::exists(*p, ec);
}

void check_browser(Browser browser, const DoctorOptions& o, DoctorReport& report,
                   std::map<std::string, RoundTrip>& trips) {
  std::optional<fs::path> user_file;
  std::optional<fs::path> config;
  for (const InstallTarget& t : targets_for(o.os, Level::user)) {
    if (t.browser != browser) continue;
    user_file = manifest_file(t, o.where);
    config = config_dir(t, o.where);
  }
  std::vector<fs::path> system_files;
  for (const InstallTarget& t : targets_for(o.os, Level::system)) {
    if (t.browser != browser || !applies(t, o.where)) continue;
    if (std::optional<fs::path> f = manifest_file(t, o.where)) system_files.push_back(*f);
  }
  const std::string group(display_name(browser));
  std::vector<fs::path> present_system;
  for (const fs::path& f : system_files) {
    if (exists(f)) present_system.push_back(f);
  }
  if (!exists(config) && !exists(user_file) && present_system.empty()) {
    report.absent.push_back(group);
    return;
  }
  std::vector<DoctorCheck>& checks = report.checks;
  if (!exists(user_file) && present_system.empty()) {
    std::string where = user_file ? user_file->string() : std::string("(no $HOME)");
    for (const fs::path& f : system_files) where += ", " + f.string();
    checks.push_back(
        {group, "manifest", "", false,
         "no manifest: " + group + " cannot start postguard-host (looked at " + where + ")",
         install_command(Level::user, browser) + " (or " +
             install_command(Level::system, browser).substr(4) + " for every user)"});
    return;
  }

  ManifestDiagnosis user;
  if (user_file) user = diagnose_manifest(*user_file, browser, Level::user, checks);
  std::optional<fs::path> system_used;
  ManifestDiagnosis system;
  for (const fs::path& f : present_system) {
    ManifestDiagnosis d = diagnose_manifest(f, browser, Level::system, checks);
    if (!system_used) {
      system_used = f;
      system = d;
    }
  }

  // Which manifest the browser reads (research notes 2.2, verified in browser source there):
  // Chromium takes the user one if it exists at all; Firefox skips one that does not parse.
  const bool firefox = family_of(browser) == Family::firefox;
  std::optional<fs::path> used;
  ManifestDiagnosis used_d;
  if (user.exists && (!firefox || user.parses)) {
    used = user_file;
    used_d = user;
  } else if (system_used) {
    used = system_used;
    used_d = system;
  }

  if (user.exists && system_used) {
    const std::string u = in_quotes(user_file->string());
    const std::string s = in_quotes(system_used->string());
    if (!user.healthy) {
      const std::string consequence =
          firefox && !user.parses
              ? "Firefox skips it and uses the system manifest " + s
              : group + " uses it and will not fall back to the system manifest " + s;
      checks.push_back({group, "shadowing", user_file->string(), false,
                        "the user manifest shadows the system one and is broken: " + consequence,
                        "remove the stale user manifest at " + u + " ('rm " + u + "')"});
    } else if (user.host != system.host) {
      checks.push_back({group, "shadowing", user_file->string(), false,
                        "the user manifest shadows the system one and starts another host (" +
                            user.host.value_or("") + " instead of " + system.host.value_or("") +
                            ")",
                        "if the system install is the one to use, remove the user manifest at " +
                            u + " ('postguard uninstall --user --browser " +
                            std::string(to_string(browser)) + "')"});
    } else {
      checks.push_back({group, "shadowing", user_file->string(), true,
                        "the user manifest shadows the system one; both start the same host", ""});
    }
  }

  if (!used || !used_d.healthy || !used_d.host) return;  // the problems above say why
  std::vector<std::string> args;
  if (firefox) {
    args = {used->string(), std::string(kFirefoxExtensionId)};
  } else {
    args = {std::string(kChromiumOrigin)};
  }
  const std::string key = *used_d.host + (firefox ? " firefox" : " chromium");
  auto it = trips.find(key);
  if (it == trips.end()) {
    it = trips.emplace(key, round_trip(*used_d.host, args, o.timeout, o.host_env)).first;
  }
  checks.push_back({group, "round trip", *used_d.host, it->second.ok,
                    (it->second.ok ? "" : "no hello: ") + it->second.message,
                    it->second.ok ? ""
                                  : "run " + in_quotes(*used_d.host + " --version") +
                                        " to see whether it starts, and read its log"});
}

void check_rules(const DoctorOptions& o, DoctorReport& report) {
  const PolicySet set = PolicySet::load(o.rule_dirs);
  std::string dirs;
  for (const fs::path& d : o.rule_dirs) dirs += (dirs.empty() ? "" : ", ") + d.string();
  const std::vector<const Policy*> policies = set.policies();
  if (policies.empty()) {
    report.checks.push_back({"Rules", "policies", "", false, "no policies found in " + dirs,
                             "reinstall postguard (it ships the rule packs), or put packs in "
                             "~/.config/postguard/rules"});
  } else {
    std::string ids;
    for (const Policy* p : policies) ids += (ids.empty() ? "" : ", ") + p->info().id;
    report.checks.push_back({"Rules", "policies", "", true,
                             std::to_string(policies.size()) + " loaded (" + ids + ")", ""});
  }
  for (const std::string& e : set.errors()) {
    report.checks.push_back({"Rules", "load error", "", false, e,
                             "fix or remove that pack (see 'postguard rules validate')"});
  }
}

// --- the round trip ----------------------------------------------------------------------

std::vector<std::string> host_environment(
    const std::vector<std::pair<std::string, std::string>>& extra) {
  std::map<std::string, std::string> merged;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string kv = *e;
    const std::size_t eq = kv.find('=');
    if (eq != std::string::npos) merged[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (const auto& [k, v] : extra) {
    if (v.empty()) {
      merged.erase(k);
    } else {
      merged[k] = v;
    }
  }
  std::vector<std::string> out;
  for (const auto& [k, v] : merged) out.push_back(k + "=" + v);
  return out;
}

// pipe() then close-on-exec on both ends: macOS has no pipe2(). Doctor spawns one host at a
// time from one thread, so no other spawn can inherit the ends in between.
bool cloexec_pipe(int fds[2]) {
  if (::pipe(fds) != 0) return false;
  if (::fcntl(fds[0], F_SETFD, FD_CLOEXEC) == 0 && ::fcntl(fds[1], F_SETFD, FD_CLOEXEC) == 0) {
    return true;
  }
  const int saved = errno;
  ::close(fds[0]);
  ::close(fds[1]);
  errno = saved;
  return false;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Reads exactly `n` bytes before `deadline`; false on EOF, error or timeout.
bool read_until(int fd, std::string& out, std::size_t n,
                std::chrono::steady_clock::time_point deadline) {
  char buf[65536];
  while (out.size() < n) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return false;
    const ssize_t r = ::read(fd, buf, std::min(sizeof buf, n - out.size()));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    out.append(buf, static_cast<std::size_t>(r));
  }
  return true;
}

// Closes the host's stdin (it must exit on EOF), then reaps it, killing it after 2 s.
void finish(pid_t pid, int to_host, int from_host) {
  ::close(to_host);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ::close(from_host);
}

RoundTrip exchange(int to_host, int from_host, std::chrono::milliseconds timeout) {
  const std::string request = encode_frame(R"({"id":1,"type":"hello"})");
  std::size_t done = 0;
  while (done < request.size()) {
    const ssize_t w = ::write(to_host, request.data() + done, request.size() - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return {false, "the host closed its input before reading the request"};
    done += static_cast<std::size_t>(w);
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const std::string none = "no answer within " + std::to_string(timeout.count()) + " ms";
  std::string header;
  if (!read_until(from_host, header, 4, deadline)) return {false, none};
  std::uint32_t length = 0;
  std::memcpy(&length, header.data(), 4);
  if (length > kMaxAnswerBytes) {
    return {false, "the answer claims " + std::to_string(length) +
                       " bytes: something else is writing to the host's standard output"};
  }
  std::string body;
  if (!read_until(from_host, body, length, deadline)) return {false, none};
  nlohmann::json answer;
  try {
    answer = nlohmann::json::parse(body);
  } catch (const nlohmann::json::exception&) {
    return {false, "the answer is not JSON"};
  }
  // "protocol" tells postguard-host's hello from an echo of our own request.
  if (!answer.is_object() || answer.value("type", "") != "hello" || !answer.contains("protocol")) {
    return {
        false,
        "the answer is not postguard-host's hello: " +
            answer.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).substr(0, 200)};
  }
  std::size_t policies = 0;
  if (auto p = answer.find("policies"); p != answer.end() && p->is_array()) policies = p->size();
  return {true, "answered hello (" + std::to_string(policies) +
                    (policies == 1 ? " policy)" : " policies)")};
}

}  // namespace

bool DoctorReport::all_green() const { return problems() == 0; }

int DoctorReport::problems() const {
  return static_cast<int>(
      std::count_if(checks.begin(), checks.end(), [](const DoctorCheck& c) { return !c.ok; }));
}

RoundTrip round_trip(const fs::path& host, const std::vector<std::string>& args,
                     std::chrono::milliseconds timeout,
                     const std::vector<std::pair<std::string, std::string>>& host_env) {
  int in[2];
  int out[2];
  if (!cloexec_pipe(in)) return {false, std::string("pipe: ") + std::strerror(errno)};
  if (!cloexec_pipe(out)) {
    ::close(in[0]);
    ::close(in[1]);
    return {false, std::string("pipe: ") + std::strerror(errno)};
  }
  std::vector<std::string> argv_s = {host.string()};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<std::string> env_s = host_environment(host_env);
  std::vector<char*> argv = c_strings(argv_s);
  std::vector<char*> envp = c_strings(env_s);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  // Browsers start the host in its own directory (research notes 1.3).
  const std::string dir = host.parent_path().string();
  posix_spawn_file_actions_addchdir_np(&actions, dir.c_str());
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, host.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(in[0]);
  ::close(out[1]);
  if (rc != 0) {
    ::close(in[1]);
    ::close(out[0]);
    return {false, "cannot start " + in_quotes(host.string()) + ": " + std::strerror(rc)};
  }
  // A host that dies before reading must not kill us with SIGPIPE.
  struct sigaction ignore {};
  struct sigaction old {};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ignore, &old);
  RoundTrip result = exchange(in[1], out[0], timeout);
  finish(pid, in[1], out[0]);
  ::sigaction(SIGPIPE, &old, nullptr);
  return result;
}

DoctorReport run_doctor(const DoctorOptions& options) {
  DoctorReport report;
  if (options.os == Os::windows) {
    report.checks.push_back({"Doctor", "registry", "", false,
                             "reading the registry is not implemented; the MSI registers the host",
                             "check the keys listed in manifests/README.md with regedit"});
    return report;
  }
  std::map<std::string, RoundTrip> trips;  // one round trip per host and family
  for (Browser b : browsers_on(options.os)) check_browser(b, options, report, trips);
  check_rules(options, report);
  return report;
}

void write_doctor_text(const DoctorReport& report, std::ostream& out) {
  std::string group;
  std::string subject;
  for (const DoctorCheck& c : report.checks) {
    if (c.group != group) {
      out << (group.empty() ? "" : "\n") << c.group << '\n';
      group = c.group;
      subject.clear();
    }
    const std::string heading = c.subject + (c.path.empty() ? "" : ": " + c.path);
    if (heading != subject) {
      out << "  " << heading << '\n';
      subject = heading;
    }
    out << (c.ok ? "    ok       " : "    PROBLEM  ") << c.message << '\n';
    if (!c.fix.empty()) out << "             fix: " << c.fix << '\n';
  }
  if (!report.absent.empty()) {
    out << "\nNot found (no config dir, no manifest):";
    for (std::size_t i = 0; i < report.absent.size(); ++i) {
      out << (i == 0 ? " " : ", ") << report.absent[i];
    }
    out << '\n';
  }
  const int n = report.problems();
  out << '\n'
      << (n == 0 ? std::string("All green.")
                 : std::to_string(n) + (n == 1 ? " problem found." : " problems found."))
      << '\n';
}

void write_doctor_json(const DoctorReport& report, std::ostream& out) {
  nlohmann::ordered_json checks = nlohmann::ordered_json::array();
  for (const DoctorCheck& c : report.checks) {
    checks.push_back({{"group", c.group},
                      {"subject", c.subject},
                      {"path", c.path},
                      {"ok", c.ok},
                      {"message", c.message},
                      {"fix", c.fix}});
  }
  const nlohmann::ordered_json doc = {{"ok", report.all_green()},
                                      {"problems", report.problems()},
                                      {"checks", std::move(checks)},
                                      {"absent", report.absent}};
  out << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

}  // namespace postguard

// `postguard install`, `uninstall` and `doctor`: register postguard-host with the browsers,
// remove it again, and say what stands between the extension and the host.
#include <unistd.h>

#include <ostream>

#include "cli.h"
#include "cli_commands.h"
#include "doctor.h"
#include "host_main.h"
#include "installer.h"

namespace postguard::cli {
namespace {

// install/uninstall: nothing or not everything was done; doctor: a problem was found.
constexpr int kExitFailed = 1;

constexpr std::string_view kInstallUsage =
    "postguard install [--user|--system] [--browser NAME ...] [--host PATH]";
constexpr std::string_view kUninstallUsage =
    "postguard uninstall [--user|--system] [--browser NAME ...]";
constexpr std::string_view kDoctorUsage = "postguard doctor [--format text|json] [--rules DIR]";

constexpr std::string_view kInstallDescription =
    R"txt(Registers postguard-host with the browsers: writes the native-messaging host manifest
org.postguard.host.json (Chromium browsers: allowed_origins; Firefox: allowed_extensions) into
each browser's directory. --user (the default) writes to your own directories; --system writes
to the system-wide ones for every user and needs root. Browsers: chrome, chromium, edge, brave,
vivaldi, firefox (default: all; --browser is repeatable and takes commas). The manifest's path
is --host PATH, by default the postguard-host next to this postguard; it must exist and be
executable.

Windows: the MSI installer registers the host; this command is for Linux and macOS.
POSTGUARD_INSTALL_ROOT, if set, is put in front of every system path (for packaging and tests).)txt";

constexpr std::string_view kUninstallDescription =
    R"txt(Removes what 'postguard install' wrote at that level for those browsers: each
org.postguard.host.json whose name is org.postguard.host (other files are left alone and
reported), then the directory if it is left empty. --system needs root.)txt";

constexpr std::string_view kDoctorDescription =
    R"txt(Checks, for each browser that is set up on this machine (its config dir or a manifest
exists), the user and system manifests: that each parses, names org.postguard.host, has an
absolute path to an executable and allows the Postguard extension; whether a user manifest
shadows the system one; then starts the host the browser would start and expects an answer to
a hello within 2 seconds. Also checks that the rule packs load. Each problem comes with its
fix. Exit 0 when all is well, 1 when a problem was found.

--format json writes {"ok", "problems", "checks": [{"group", "subject", "path", "ok",
"message", "fix"}...], "absent": [...]}.)txt";

po::options_description level_options(bool with_host) {
  po::options_description options = options_table();
  options.add_options()("help,h", "show this help")("user", "for you only (the default)")(
      "system", "for every user of this machine (needs root)")(
      "browser", po::value<std::vector<std::string>>()->value_name("NAME"),
      "chrome, chromium, edge, brave, vivaldi or firefox (repeatable; default: all)");
  if (with_host) {
    options.add_options()("host", po::value<std::string>()->value_name("PATH"),
                          "the postguard-host to register (default: next to postguard)");
  }
  return options;
}

struct Choice {
  Level level = Level::user;
  std::vector<Browser> browsers;
};

// --user/--system and --browser, or the usage error's exit code.
std::optional<Choice> read_choice(const po::variables_map& vm, std::string_view command,
                                  std::ostream& err, int& exit_code) {
  Choice choice;
  if (vm.count("user") != 0 && vm.count("system") != 0) {
    exit_code = usage_error(err, command, "--user and --system exclude each other");
    return std::nullopt;
  }
  if (vm.count("system") != 0) choice.level = Level::system;
  if (vm.count("browser") != 0) {
    for (const std::string& list : vm["browser"].as<std::vector<std::string>>()) {
      std::size_t start = 0;
      while (start <= list.size()) {
        const std::size_t comma = std::min(list.find(',', start), list.size());
        const std::string name = list.substr(start, comma - start);
        std::optional<Browser> b = parse_browser(name);
        if (!b) {
          exit_code = usage_error(err, command,
                                  "unknown browser '" + name +
                                      "' (known: chrome, chromium, edge, brave, vivaldi, firefox)");
          return std::nullopt;
        }
        choice.browsers.push_back(*b);
        start = comma + 1;
      }
    }
  }
  return choice;
}

std::string browser_list(const std::vector<Browser>& browsers) {
  std::string out;
  for (Browser b : browsers) out += (out.empty() ? "" : ", ") + std::string(display_name(b));
  return out;
}

// Parses the shared options; nullopt with `exit_code` set when the command is done.
std::optional<Choice> start(const Args& args, const po::options_description& options,
                            std::string_view command, std::string_view usage,
                            std::string_view description, Io io, po::variables_map& vm,
                            int& exit_code) {
  std::optional<ParsedArgs> parsed = parse_args(args, options, command, io.err);
  if (!parsed) {
    exit_code = kExitUsage;
    return std::nullopt;
  }
  vm = parsed->vm;
  if (vm.count("help") != 0) {
    print_help(io.out, usage, description, options);
    exit_code = kExitOk;
    return std::nullopt;
  }
  if (!parsed->positional.empty()) {
    exit_code = usage_error(io.err, command, "unexpected argument '" + parsed->positional[0] + "'");
    return std::nullopt;
  }
  return read_choice(vm, command, io.err, exit_code);
}

int fail(std::ostream& err, const std::string& message) {
  err << "postguard: " << message << '\n';
  return kExitFailed;
}

}  // namespace

int run_install(const Args& args, Io io) {
  const po::options_description options = level_options(/*with_host=*/true);
  po::variables_map vm;
  int exit_code = kExitOk;
  std::optional<Choice> choice =
      start(args, options, "install", kInstallUsage, kInstallDescription, io, vm, exit_code);
  if (!choice) return exit_code;

  const Locations where = Locations::from_process();
  if (auto p = root_problem(choice->level, where, ::geteuid(), "install")) return fail(io.err, *p);
  Expected<std::filesystem::path> host =
      vm.count("host") != 0
          ? Expected<std::filesystem::path>(std::filesystem::absolute(vm["host"].as<std::string>()))
          : default_host_path();
  if (!host) return fail(io.err, host.error().message);
  host = check_host(*host);
  if (!host) return fail(io.err, host.error().message);
  Expected<std::vector<PlannedManifest>> plan =
      plan_manifests(current_os(), choice->level, choice->browsers, where);
  if (!plan) return fail(io.err, plan.error().message);
  Expected<std::vector<std::filesystem::path>> written = install_manifests(*plan, *host);
  if (!written) return fail(io.err, written.error().message);
  for (const PlannedManifest& p : *plan) {
    io.out << "wrote " << p.file.string() << " (" << browser_list(p.browsers) << ")\n";
  }
  io.out << "Registered " << host->string() << " at " << to_string(choice->level)
         << " level. Check it with 'postguard doctor'.\n";
  return kExitOk;
}

int run_uninstall(const Args& args, Io io) {
  const po::options_description options = level_options(/*with_host=*/false);
  po::variables_map vm;
  int exit_code = kExitOk;
  std::optional<Choice> choice =
      start(args, options, "uninstall", kUninstallUsage, kUninstallDescription, io, vm, exit_code);
  if (!choice) return exit_code;

  const Locations where = Locations::from_process();
  if (auto p = root_problem(choice->level, where, ::geteuid(), "uninstall")) {
    return fail(io.err, *p);
  }
  Expected<std::vector<PlannedManifest>> plan =
      plan_manifests(current_os(), choice->level, choice->browsers, where);
  if (!plan) return fail(io.err, plan.error().message);
  Expected<UninstallResult> result = uninstall_manifests(*plan);
  if (!result) return fail(io.err, result.error().message);
  for (const std::filesystem::path& f : result->removed) io.out << "removed " << f.string() << '\n';
  for (const std::string& k : result->kept) io.out << k << '\n';
  if (result->removed.empty()) {
    io.out << "Nothing to remove at " << to_string(choice->level) << " level.\n";
  }
  return kExitOk;
}

int run_doctor(const Args& args, Io io) {
  po::options_description options = options_table();
  options.add_options()("help,h", "show this help")(
      "format", po::value<std::string>()->value_name("F")->default_value("text"), "text or json");
  add_rules_option(options);
  std::optional<ParsedArgs> parsed = parse_args(args, options, "doctor", io.err);
  if (!parsed) return kExitUsage;
  const po::variables_map& vm = parsed->vm;
  if (vm.count("help") != 0) {
    print_help(io.out, kDoctorUsage, kDoctorDescription, options);
    return kExitOk;
  }
  if (!parsed->positional.empty()) {
    return usage_error(io.err, "doctor", "unexpected argument '" + parsed->positional[0] + "'");
  }
  const std::string format = vm["format"].as<std::string>();
  if (format != "text" && format != "json") {
    return usage_error(io.err, "doctor",
                       "invalid --format '" + format + "' (expected text or json)");
  }
  const Expected<std::vector<std::filesystem::path>> dirs = rule_dirs(vm);
  if (!dirs) return usage_error(io.err, "doctor", dirs.error().message);
  DoctorOptions opts;
  opts.rule_dirs = *dirs;
  const DoctorReport report = postguard::run_doctor(opts);
  if (format == "json") {
    write_doctor_json(report, io.out);
  } else {
    write_doctor_text(report, io.out);
  }
  return report.all_green() ? kExitOk : kExitFailed;
}

}  // namespace postguard::cli

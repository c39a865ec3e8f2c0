// `postguard check`: one post from a file or stdin, reported as text or JSON; --batch hands
// over to cli_batch.cc once the options are understood.
#include <algorithm>
#include <ostream>

#include <nlohmann/json.hpp>

#include "cli.h"
#include "cli_commands.h"
#include "cli_text_report.h"
#include "utf.h"

namespace postguard::cli {
namespace {

constexpr std::string_view kUsage =
    "postguard check --policy ID [options] [FILE|-]\n"
    "       postguard check --batch FILE|- [--policy ID] [options]";

constexpr std::string_view kDescription =
    R"txt(Checks a post against a policy and shows each warning under the words it is about.

The post is FILE, or standard input when FILE is '-' or left out. It must be UTF-8 text (no
U+0000). A byte order mark at its start is ignored, and the offsets ("start"/"end" in --format
json, in UTF-16 code units) count from the character after it; nothing else is stripped, so a
trailing newline is part of the post.

--format text (the default) shows, for each warning, FILE:LINE:COLUMN (1-based, the column
counting characters), the line with the span underlined by carets, then the severity, the
category, the rule id and the message, the policy clause and a suggestion; then a summary such
as "3 warnings (1 error, 2 warnings)" or "No warnings.". --format json writes
{"warnings": [...]}, each warning as in the native messaging protocol.

--batch reads JSON Lines, one post per line:
  {"id": "a1", "text": "...", "policy": "iet", "platform": "twitter", "role": "personal",
   "profile": {"bioDisclaimer": true}}
Only "text" is required; --policy, --platform, --role and --bio-disclaimer give the defaults;
"id" (a string or a number) is echoed back. It writes one line per post, in order:
{"id": ..., "warnings": [...]}, or for a line that cannot be checked
{"id": ... or null, "error": {"code": "...", "message": "line N: ..."}}, and goes on. The
codes are the native messaging protocol's: bad-utf8, bad-json, lone-surrogate, bad-request,
bad-text (U+0000 in the text), unknown-policy, unknown-platform, unknown-role. Blank lines are
skipped. Exit code: 3 if any line had an error (the results are incomplete), else 1 if a
warning reached --fail-on, else 0.

Exit codes: 0 no warning at or above --fail-on, 1 one was found, 2 bad command line,
3 unreadable input or invalid UTF-8, 4 rules failed to load or unknown policy.)txt";

po::options_description check_options() {
  po::options_description options = options_table();
  options.add_options()("help,h", "show this help")(
      "policy", po::value<std::string>()->value_name("ID"),
      "the policy to check against (see 'postguard policies')")(
      "platform", po::value<std::string>()->value_name("P")->default_value("twitter"),
      "where the post goes: twitter, facebook or linkedin")(
      "role", po::value<std::string>()->value_name("R")->default_value("personal"),
      "who posts: personal or official (an organisation's own account)")(
      "bio-disclaimer", po::bool_switch(),
      "the account's bio already says the views are the author's own")(
      "format", po::value<std::string>()->value_name("F")->default_value("text"), "text or json")(
      "fail-on", po::value<std::string>()->value_name("LEVEL")->default_value("error"),
      "exit 1 when a warning at or above LEVEL is found: info, warning or error")(
      "batch", po::value<std::string>()->value_name("FILE"),
      "check the JSON Lines posts in FILE ('-' for standard input)");
  add_rules_option(options);
  return options;
}

// Reads --platform, --role, --bio-disclaimer, --fail-on and --policy, or says what is wrong.
Expected<CheckSettings> read_settings(const po::variables_map& vm) {
  CheckSettings settings;
  const std::string platform = vm["platform"].as<std::string>();
  const std::string role = vm["role"].as<std::string>();
  const std::string fail_on = vm["fail-on"].as<std::string>();
  if (auto p = parse_platform(platform)) {
    settings.options.platform = *p;
  } else {
    return Error{"invalid --platform '" + platform + "' (expected twitter, facebook or linkedin)"};
  }
  if (auto r = parse_role(role)) {
    settings.options.role = *r;
  } else {
    return Error{"invalid --role '" + role + "' (expected personal or official)"};
  }
  if (auto s = parse_severity(fail_on)) {
    settings.fail_on = *s;
  } else {
    return Error{"invalid --fail-on '" + fail_on + "' (expected info, warning or error)"};
  }
  settings.options.bio_disclaimer = vm["bio-disclaimer"].as<bool>();
  if (vm.count("policy") != 0) settings.policy = vm["policy"].as<std::string>();
  return settings;
}

int check_one(const std::string& path, const CheckSettings& settings, bool json,
              const Policy& policy, Io io) {
  Expected<std::string> content = read_all(path, io.in);
  if (!content) {
    io.err << "postguard: " << content.error().message << '\n';
    return kExitInputError;
  }
  if (std::optional<std::size_t> bad = utf::first_invalid_utf8(*content)) {
    io.err << "postguard: " << input_name(path) << ": invalid UTF-8 at byte offset " << *bad
           << '\n';
    return kExitInputError;
  }
  const std::string_view text = strip_bom(*content);
  // As in the host: C-string APIs under the engine would silently stop at U+0000.
  if (const std::size_t nul = content->find('\0'); nul != std::string::npos) {
    io.err << "postguard: " << input_name(path) << ": U+0000 at byte offset " << nul
           << " (a post is text)\n";
    return kExitInputError;
  }
  const std::vector<Warning> warnings = policy.check(text, settings.options);
  if (json) {
    nlohmann::json list = nlohmann::json::array();
    for (const Warning& w : warnings) list.push_back(to_json(w));
    io.out << nlohmann::json{{"warnings", std::move(list)}}.dump(
                  2, ' ', false, nlohmann::json::error_handler_t::replace)
           << '\n';
  } else {
    write_text_report(io.out, input_name(path), text, warnings);
  }
  return reaches(warnings, settings.fail_on) ? kExitWarnings : kExitOk;
}

}  // namespace

bool reaches(const std::vector<Warning>& warnings, Severity threshold) {
  return std::any_of(warnings.begin(), warnings.end(),
                     [&](const Warning& w) { return w.severity >= threshold; });
}

int run_check(const Args& args, Io io) {
  const po::options_description options = check_options();
  std::optional<ParsedArgs> parsed = parse_args(args, options, "check", io.err);
  if (!parsed) return kExitUsage;
  const po::variables_map& vm = parsed->vm;
  if (vm.count("help") != 0) {
    print_help(io.out, kUsage, kDescription, options);
    return kExitOk;
  }
  Expected<CheckSettings> settings = read_settings(vm);
  if (!settings) return usage_error(io.err, "check", settings.error().message);
  const std::string format = vm["format"].as<std::string>();
  if (format != "text" && format != "json") {
    return usage_error(io.err, "check",
                       "invalid --format '" + format + "' (expected text or json)");
  }

  const bool batch = vm.count("batch") != 0;
  if (batch && !parsed->positional.empty()) {
    return usage_error(io.err, "check",
                       "unexpected argument '" + parsed->positional[0] +
                           "' (with --batch, the input is --batch's argument)");
  }
  if (batch && format == "text" && !vm["format"].defaulted()) {
    return usage_error(io.err, "check",
                       "--batch always writes JSON Lines; --format text does not apply");
  }
  if (parsed->positional.size() > 1) {
    return usage_error(
        io.err, "check",
        "unexpected argument '" + parsed->positional[1] + "' (check takes one FILE)");
  }
  if (!batch && !settings->policy) {
    return usage_error(io.err, "check", "--policy is required (see 'postguard policies')");
  }

  const Expected<std::vector<std::filesystem::path>> dirs = rule_dirs(vm);
  if (!dirs) return usage_error(io.err, "check", dirs.error().message);
  const PolicySet policies = load_policies(*dirs, io.err);
  // An unknown --policy is reported before reading any input, which may be a terminal.
  const Policy* policy = settings->policy ? policies.find(*settings->policy) : nullptr;
  if (settings->policy && policy == nullptr) {
    io.err << "postguard: " << unknown_policy_message(*settings->policy, policies) << '\n';
    return kExitRulesError;
  }
  if (batch) return run_batch(vm["batch"].as<std::string>(), *settings, policies, io);
  const std::string path = parsed->positional.empty() ? "-" : parsed->positional[0];
  return check_one(path, *settings, format == "json", *policy, io);
}

}  // namespace postguard::cli

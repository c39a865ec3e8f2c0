// `postguard check --batch`: JSON Lines in, one JSON line out per post, in the same order.
// A line that cannot be checked gets an error object instead of stopping the run, so one bad
// post in a large export costs one line of output, not the whole job.
#include <ostream>

#include <nlohmann/json.hpp>

#include "cli.h"
#include "cli_commands.h"
#include "error_codes.h"
#include "utf.h"

namespace postguard::cli {
namespace {

struct LineResult {
  std::string output;    // one line of JSON, without the newline
  bool bad = false;      // the line got an error object
  bool reached = false;  // a warning at or above --fail-on
};

std::string dump(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// {"id": id, "<key>": value}, written by hand so "id" comes first (nlohmann::json sorts keys).
std::string object_line(const nlohmann::json& id, std::string_view key,
                        const nlohmann::json& value) {
  return "{\"id\":" + dump(id) + ",\"" + std::string(key) + "\":" + dump(value) + "}";
}

// The codes are the native-messaging protocol's (error_codes.h), so a program that speaks
// one speaks both.
LineResult error_result(const nlohmann::json& id, ErrorCode code, std::string message) {
  const nlohmann::json error = {{"code", to_string(code)}, {"message", std::move(message)}};
  LineResult result;
  result.output = object_line(id, "error", error);
  result.bad = true;
  return result;
}

struct LineProblem {
  ErrorCode code;
  std::string message;
};

// An optional string member: std::nullopt when absent.
std::optional<std::string> string_member(const nlohmann::json& post, const char* name,
                                         std::optional<LineProblem>& problem) {
  const auto it = post.find(name);
  if (it == post.end()) return std::nullopt;
  if (!it->is_string()) {
    problem = LineProblem{ErrorCode::bad_request, "\"" + std::string(name) + "\" must be a string"};
    return std::nullopt;
  }
  return it->get<std::string>();
}

// The post's options: the command line's defaults, overridden by the line's own fields.
std::optional<LineProblem> read_options(const nlohmann::json& post, CheckOptions& options) {
  std::optional<LineProblem> problem;
  if (std::optional<std::string> platform = string_member(post, "platform", problem)) {
    const std::optional<Platform> p = parse_platform(*platform);
    if (!p) {
      return LineProblem{
          ErrorCode::unknown_platform,
          "unknown platform '" + *platform + "' (expected twitter, facebook or linkedin)"};
    }
    options.platform = *p;
  }
  if (problem) return problem;
  if (std::optional<std::string> role = string_member(post, "role", problem)) {
    const std::optional<Role> r = parse_role(*role);
    if (!r) {
      return LineProblem{ErrorCode::unknown_role,
                         "unknown role '" + *role + "' (expected personal or official)"};
    }
    options.role = *r;
  }
  if (problem) return problem;
  if (const auto profile = post.find("profile"); profile != post.end()) {
    if (!profile->is_object()) {
      return LineProblem{ErrorCode::bad_request, "\"profile\" must be an object"};
    }
    if (const auto bio = profile->find("bioDisclaimer"); bio != profile->end()) {
      if (!bio->is_boolean()) {
        return LineProblem{ErrorCode::bad_request,
                           "\"profile.bioDisclaimer\" must be true or false"};
      }
      options.bio_disclaimer = bio->get<bool>();
    }
  }
  return std::nullopt;
}

// Parses the line as a JSON object, or says why it is not one.
std::optional<LineProblem> parse_post(std::string_view line, nlohmann::json& post) {
  if (std::optional<std::size_t> bad = utf::first_invalid_utf8(line)) {
    return LineProblem{ErrorCode::bad_utf8,
                       "invalid UTF-8 at byte offset " + std::to_string(*bad) + " of the line"};
  }
  try {
    post = nlohmann::json::parse(line);
  } catch (const nlohmann::json::parse_error& e) {
    // Not e.what(): it quotes the input, which may be long or private.
    const bool surrogate = std::string_view(e.what()).find("surrogate") != std::string_view::npos;
    return LineProblem{surrogate ? ErrorCode::lone_surrogate : ErrorCode::bad_json,
                       (surrogate ? "lone surrogate escape near byte " : "invalid JSON at byte ") +
                           std::to_string(e.byte)};
  } catch (const nlohmann::json::exception&) {
    return LineProblem{ErrorCode::bad_json, "invalid JSON: a number is too large"};
  }
  if (!post.is_object()) {
    return LineProblem{ErrorCode::bad_request,
                       std::string("expected a JSON object, not ") + post.type_name()};
  }
  return std::nullopt;
}

LineResult check_line(std::string_view line, std::size_t number, const CheckSettings& settings,
                      const PolicySet& policies) {
  const std::string where = "line " + std::to_string(number) + ": ";
  nlohmann::json post;
  if (std::optional<LineProblem> p = parse_post(line, post)) {
    return error_result(nullptr, p->code, where + p->message);
  }
  // Only scalars are echoed: an id is a handle, and a nested one could be deep enough for a
  // recursive copy or dump to run out of stack, so it is checked before being copied.
  const auto id_it = post.find("id");
  if (id_it != post.end() && !id_it->is_null() && !id_it->is_string() && !id_it->is_number()) {
    return error_result(nullptr, ErrorCode::bad_request,
                        where + "\"id\" must be a string, a number or null");
  }
  const nlohmann::json id = id_it == post.end() ? nlohmann::json() : *id_it;
  auto fail = [&](const LineProblem& p) { return error_result(id, p.code, where + p.message); };

  const auto text = post.find("text");
  if (text == post.end()) return fail({ErrorCode::bad_request, "\"text\" is missing"});
  if (!text->is_string()) return fail({ErrorCode::bad_request, "\"text\" must be a string"});
  const std::string& body = text->get_ref<const std::string&>();
  if (std::size_t nul = body.find('\0'); nul != std::string::npos) {
    // As in the host: C-string APIs under the engine would silently stop there.
    return fail({ErrorCode::bad_text, "\"text\" contains U+0000 at byte " + std::to_string(nul)});
  }
  std::optional<LineProblem> problem;
  std::optional<std::string> policy_id = string_member(post, "policy", problem);
  if (problem) return fail(*problem);
  if (!policy_id) policy_id = settings.policy;
  if (!policy_id) {
    return fail({ErrorCode::bad_request, "\"policy\" is missing and there is no --policy"});
  }
  const Policy* policy = policies.find(*policy_id);
  if (policy == nullptr) {
    return fail({ErrorCode::unknown_policy, unknown_policy_message(*policy_id, policies)});
  }
  CheckOptions options = settings.options;
  if (std::optional<LineProblem> p = read_options(post, options)) return fail(*p);

  // The JSON parser has already rejected ill-formed UTF-8, so the text can go straight in.
  const std::vector<Warning> warnings = policy->check(body, options);
  nlohmann::json list = nlohmann::json::array();
  for (const Warning& w : warnings) list.push_back(to_json(w));
  LineResult result;
  result.output = object_line(id, "warnings", list);
  result.reached = reaches(warnings, settings.fail_on);
  return result;
}

bool is_blank(std::string_view line) {
  return line.find_first_not_of(" \t\r\n\f\v") == std::string_view::npos;
}

}  // namespace

int run_batch(const std::string& path, const CheckSettings& settings, const PolicySet& policies,
              Io io) {
  std::ifstream file;
  std::istream* input = &io.in;
  if (path != "-") {
    if (std::optional<std::string> error = open_file(path, file)) {
      io.err << "postguard: " << *error << '\n';
      return kExitInputError;
    }
    input = &file;
  }
  bool any_bad = false;
  bool any_reached = false;
  std::string line;
  for (std::size_t number = 1; std::getline(*input, line); ++number) {
    std::string_view view = line;
    if (number == 1) view = strip_bom(view);
    if (!view.empty() && view.back() == '\r') view.remove_suffix(1);  // CRLF files
    if (is_blank(view)) continue;
    const LineResult result = check_line(view, number, settings, policies);
    any_bad = any_bad || result.bad;
    any_reached = any_reached || result.reached;
    io.out << result.output << '\n';
    // A program feeding us through a pipe waits for each answer before sending more.
    if (path == "-") io.out.flush();
  }
  if (input->bad()) {
    io.err << "postguard: cannot read '" << input_name(path) << "': read error\n";
    return kExitInputError;
  }
  // A bad line outranks a warning: the results are incomplete, whatever the others found.
  if (any_bad) return kExitInputError;
  return any_reached ? kExitWarnings : kExitOk;
}

}  // namespace postguard::cli

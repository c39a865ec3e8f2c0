// Reading what the user gave us: files or stdin, checked to be UTF-8 at the boundary.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <system_error>

#include "cli_commands.h"

namespace postguard::cli {

std::string_view strip_bom(std::string_view s) {
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  if (s.substr(0, kBom.size()) == kBom) s.remove_prefix(kBom.size());
  return s;
}

std::string input_name(const std::string& path) { return path == "-" ? "<stdin>" : path; }

std::optional<std::string> open_file(const std::string& path, std::ifstream& file) {
  std::error_code ec;
  // Opening a directory succeeds on Linux and only the first read fails, without a reason.
  if (std::filesystem::is_directory(path, ec)) return "cannot read '" + path + "': Is a directory";
  file.open(path, std::ios::binary);
  if (!file) return "cannot read '" + path + "': " + std::strerror(errno);
  return std::nullopt;
}

Expected<std::string> read_all(const std::string& path, std::istream& in) {
  std::ifstream file;
  std::istream* input = &in;
  if (path != "-") {
    if (std::optional<std::string> error = open_file(path, file)) return Error{*error};
    input = &file;
  }
  std::string content(std::istreambuf_iterator<char>(*input), std::istreambuf_iterator<char>{});
  if (input->bad()) return Error{"cannot read '" + input_name(path) + "': read error"};
  return content;
}

}  // namespace postguard::cli

#include "rule_file.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "utf.h"

namespace postguard {

size_t RuleFile::line_at(size_t byte) const {
  return static_cast<size_t>(std::upper_bound(line_starts.begin(), line_starts.end(), byte) -
                             line_starts.begin());
}

size_t RuleFile::line_of(std::string_view needle, size_t from) const {
  const size_t pos = text.find(needle, from);
  return line_at(pos == std::string::npos ? from : pos);
}

size_t RuleFile::find_after(std::string_view needle, size_t from) const {
  const size_t pos = text.find(needle, from);
  return pos == std::string::npos ? from : pos + needle.size();
}

Expected<RuleFile> parse_rule_file(std::filesystem::path path, std::string text) {
  RuleFile f;
  f.path = std::move(path);
  f.text = std::move(text);
  f.line_starts.push_back(0);
  for (size_t i = 0; i < f.text.size(); ++i) {
    if (f.text[i] == '\n') f.line_starts.push_back(i + 1);
  }
  const std::string where = f.path.string();
  if (!utf::is_valid_utf8(f.text)) return Error{where + ":1: the file is not valid UTF-8"};
  try {
    f.json = nlohmann::json::parse(f.text);
  } catch (const nlohmann::json::parse_error& e) {
    const size_t byte = e.byte > 0 ? e.byte - 1 : 0;
    const size_t line = f.line_at(byte);
    const size_t column = byte - f.line_starts[line - 1] + 1;
    std::string what = e.what();
    // nlohmann prefixes "[json.exception.parse_error.101] parse error at line 3, column 5: ";
    // we give the position ourselves in path:line:column form.
    if (const size_t colon = what.find(": ", what.find("parse error"));
        colon != std::string::npos) {
      what = what.substr(colon + 2);
    }
    return Error{where + ":" + std::to_string(line) + ":" + std::to_string(column) +
                 ": invalid JSON: " + what};
  } catch (const nlohmann::json::exception&) {
    // Valid syntax nlohmann cannot hold, such as a number beyond a double's range.
    return Error{where + ": invalid JSON: a number is too large"};
  }
  return f;
}

Expected<RuleFile> read_rule_file(const std::filesystem::path& path) {
  std::error_code ec;
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) return Error{path.string() + ": cannot read: " + ec.message()};
  if (size > kMaxRuleFileBytes) {
    return Error{path.string() + ": file is larger than " +
                 std::to_string(kMaxRuleFileBytes >> 20) + " MiB"};
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{path.string() + ": cannot read: permission denied or not a file"};
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) return Error{path.string() + ": cannot read: I/O error"};
  return parse_rule_file(path, std::move(s).str());
}

}  // namespace postguard

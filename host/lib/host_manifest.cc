#include "host_manifest.h"

#include <nlohmann/json.hpp>

namespace postguard {

using nlohmann::ordered_json;

std::string host_manifest_json(Family family, std::string_view host_path) {
  ordered_json doc = {{"name", kHostName},
                      {"description", kHostDescription},
                      {"path", host_path},
                      {"type", "stdio"}};
  if (family == Family::firefox) {
    doc["allowed_extensions"] = {kFirefoxExtensionId};
  } else {
    doc["allowed_origins"] = {kChromiumOrigin};
  }
  return doc.dump(2, ' ', false, ordered_json::error_handler_t::replace) + '\n';
}

namespace {

void read_string(const nlohmann::json& doc, const char* key, std::optional<std::string>& out,
                 std::vector<std::string>& wrong) {
  auto it = doc.find(key);
  if (it == doc.end()) return;
  if (it->is_string()) {
    out = it->get<std::string>();
  } else {
    wrong.push_back(std::string(key) + " is not a string");
  }
}

void read_strings(const nlohmann::json& doc, const char* key, std::vector<std::string>& out,
                  std::vector<std::string>& wrong) {
  auto it = doc.find(key);
  if (it == doc.end()) return;
  if (!it->is_array()) {
    wrong.push_back(std::string(key) + " is not an array");
    return;
  }
  for (const nlohmann::json& item : *it) {
    if (item.is_string()) {
      out.push_back(item.get<std::string>());
    } else {
      wrong.push_back(std::string(key) + " holds a non-string");
    }
  }
}

}  // namespace

Expected<ManifestFacts> read_manifest_facts(std::string_view text) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    return Error{std::string("not JSON: ") + e.what()};
  }
  if (!doc.is_object()) return Error{"not a JSON object"};
  ManifestFacts facts;
  read_string(doc, "name", facts.name, facts.wrong_types);
  read_string(doc, "path", facts.path, facts.wrong_types);
  read_string(doc, "type", facts.type, facts.wrong_types);
  read_strings(doc, "allowed_origins", facts.allowed_origins, facts.wrong_types);
  read_strings(doc, "allowed_extensions", facts.allowed_extensions, facts.wrong_types);
  return facts;
}

}  // namespace postguard

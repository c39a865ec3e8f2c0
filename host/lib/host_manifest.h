// The native-messaging host manifest: what `postguard install` writes and `doctor` reads.
//
//   std::string text = host_manifest_json(Family::firefox, "/usr/bin/postguard-host");
//   ManifestFacts facts = read_manifest_facts(text);   // for diagnosis
//
// Chromium family: name, description, path, type "stdio", allowed_origins (with the trailing
// slash). Firefox: the same with allowed_extensions instead (a separate file: Firefox's schema
// is believed to reject unknown keys such as allowed_origins; unverified, research notes 2.1).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "expected.h"
#include "install_targets.h"

namespace postguard {

// The same text as the templates in manifests/.
inline constexpr std::string_view kHostDescription = "Postguard policy checker";

// The manifest text: 2-space indented JSON in the key order above, ending in a newline.
// `host_path` is written as given (absolute on Linux/macOS; Windows paths keep backslashes).
std::string host_manifest_json(Family family, std::string_view host_path);

// What a manifest file says, field by field, for doctor. Fields with the wrong type are
// left empty and named in `wrong_types`.
struct ManifestFacts {
  std::optional<std::string> name;
  std::optional<std::string> path;
  std::optional<std::string> type;
  std::vector<std::string> allowed_origins;     // Chromium family
  std::vector<std::string> allowed_extensions;  // Firefox
  std::vector<std::string> wrong_types;         // e.g. "path is not a string"
};

// Parses `text`. Error: "not JSON: <parser message>" or "not a JSON object".
Expected<ManifestFacts> read_manifest_facts(std::string_view text);

}  // namespace postguard

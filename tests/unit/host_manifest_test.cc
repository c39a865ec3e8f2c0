// The host manifest, exactly, for each family and each OS's kind of host path.
#include <catch2/catch.hpp>

#include "host_manifest.h"

using namespace postguard;

namespace {

std::string chromium_json(const std::string& escaped_path) {
  return "{\n"
         "  \"name\": \"org.postguard.host\",\n"
         "  \"description\": \"Postguard policy checker\",\n"
         "  \"path\": \"" +
         escaped_path +
         "\",\n"
         "  \"type\": \"stdio\",\n"
         "  \"allowed_origins\": [\n"
         "    \"chrome-extension://acmnpiifhpicdffioflpmeemfieahodg/\"\n"
         "  ]\n"
         "}\n";
}

std::string firefox_json(const std::string& escaped_path) {
  return "{\n"
         "  \"name\": \"org.postguard.host\",\n"
         "  \"description\": \"Postguard policy checker\",\n"
         "  \"path\": \"" +
         escaped_path +
         "\",\n"
         "  \"type\": \"stdio\",\n"
         "  \"allowed_extensions\": [\n"
         "    \"postguard@postguard.org\"\n"
         "  ]\n"
         "}\n";
}

}  // namespace

TEST_CASE("host manifest: exact JSON for every row of the table", "[manifest]") {
  for (const InstallTarget& t : all_targets()) {
    INFO(to_string(t.browser) << " " << to_string(t.os) << " " << to_string(t.level));
    std::string host;
    std::string escaped;
    switch (t.os) {
      case Os::linux_os:
        host = escaped = "/usr/bin/postguard-host";
        break;
      case Os::macos:
        host = escaped = "/Library/Application Support/Postguard/postguard-host";
        break;
      case Os::windows:
        host = R"(C:\Program Files\Postguard\postguard-host.exe)";
        escaped = R"(C:\\Program Files\\Postguard\\postguard-host.exe)";
        break;
    }
    const std::string expected =
        t.browser == Browser::firefox ? firefox_json(escaped) : chromium_json(escaped);
    CHECK(host_manifest_json(family_of(t.browser), host) == expected);
  }
}

TEST_CASE("host manifest: reading one back", "[manifest]") {
  Expected<ManifestFacts> facts =
      read_manifest_facts(host_manifest_json(Family::chromium, "/usr/bin/postguard-host"));
  REQUIRE(facts);
  CHECK(facts->name == "org.postguard.host");
  CHECK(facts->path == "/usr/bin/postguard-host");
  CHECK(facts->type == "stdio");
  CHECK(facts->allowed_origins ==
        std::vector<std::string>{"chrome-extension://acmnpiifhpicdffioflpmeemfieahodg/"});
  CHECK(facts->allowed_extensions.empty());
  CHECK(facts->wrong_types.empty());

  facts = read_manifest_facts(host_manifest_json(Family::firefox, "/x"));
  REQUIRE(facts);
  CHECK(facts->allowed_extensions == std::vector<std::string>{"postguard@postguard.org"});

  Expected<ManifestFacts> bad = read_manifest_facts("{\"name\": ");
  REQUIRE(!bad);
  CHECK(bad.error().message.rfind("not JSON: [json.exception.parse_error.101]", 0) == 0);
  CHECK(read_manifest_facts("[1]").error().message == "not a JSON object");

  facts = read_manifest_facts(R"({"name": 3, "path": "/x", "allowed_origins": "a"})");
  REQUIRE(facts);
  CHECK(!facts->name);
  CHECK(facts->wrong_types ==
        std::vector<std::string>{"name is not a string", "allowed_origins is not an array"});
}

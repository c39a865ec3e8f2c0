// Arbitrary bytes as a policy pack: the loader must report problems, never crash or hang,
// and whatever compiles must check a post safely.
#include <cstdint>
#include <string>

#include "policy.h"
#include "rule_compiler.h"
#include "rule_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  postguard::Expected<postguard::RuleFile> file =
      postguard::parse_rule_file("t.json", std::string(reinterpret_cast<const char*>(data), size));
  if (!file) return 0;
  const postguard::CompileResult r =
      postguard::compile_policy(*file, [](std::string_view) { return nullptr; });
  if (r.policy) {
    (void)r.policy->check("Our draft standard: #OneTwoThree @someone https://example.org 😀 é",
                          postguard::CheckOptions{});
  }
  return 0;
}

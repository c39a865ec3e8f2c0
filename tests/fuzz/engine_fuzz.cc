// Arbitrary text checked against every policy pack, on every platform and role. Spans must
// stay inside the text and be ordered.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "all_policies.h"
#include "ids.h"
#include "utf.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (!postguard::utf::is_valid_utf8(text)) return 0;  // the protocol and CLI refuse it earlier
  const uint32_t length = postguard::utf::utf16_length(text);
  for (const postguard::Policy* p : postguard::fuzz::all_policies().policies()) {
    for (postguard::Platform platform : postguard::kAllPlatforms) {
      for (postguard::Role role : postguard::kAllRoles) {
        postguard::CheckOptions o;
        o.platform = platform;
        o.role = role;
        for (const postguard::Warning& w : p->check(text, o)) {
          if (w.span.start >= w.span.end || w.span.end > length) std::abort();
        }
      }
    }
  }
  return 0;
}

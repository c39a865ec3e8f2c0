// Feeds arbitrary bytes to the host as its stdin would: the frame reader splits them, and
// every frame goes through request handling with all policy packs loaded. Any crash,
// sanitizer report or answer over the browsers' 1 MiB limit is a bug.
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include "all_policies.h"
#include "frame.h"
#include "host_session.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  postguard::IstreamSource source(in);
  // A small cap keeps the fuzzer fast; the cap logic is the same at 64 MiB.
  postguard::FrameReader reader(source, 1 << 16);
  const postguard::HostSession session(postguard::fuzz::all_policies());
  std::string payload;
  while (reader.next(payload) == postguard::FrameReader::Result::frame) {
    const postguard::Reply reply = session.handle(payload);
    if (reply.json.size() > postguard::kMaxAnswerBytes) std::abort();
  }
  return 0;
}

// Request handling on its own: the input is one frame's payload (JSON in, answer out), with
// every policy pack loaded. The frame reader is out of the way, so the fuzzer spends its time
// on JSON shapes, ids, field types and texts. Every answer must be one JSON object with a
// string "type", and fit the browsers' 1 MiB limit.
#include <cstdint>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "all_policies.h"
#include "frame.h"
#include "host_session.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string payload(reinterpret_cast<const char*>(data), size);
  const postguard::HostSession session(postguard::fuzz::all_policies());
  const postguard::Reply reply = session.handle(payload);
  if (reply.json.size() > postguard::kMaxAnswerBytes) std::abort();
  const nlohmann::json answer =
      nlohmann::json::parse(reply.json, nullptr, /*allow_exceptions=*/false);
  if (!answer.is_object() || !answer.contains("type") || !answer["type"].is_string()) std::abort();
  return 0;
}

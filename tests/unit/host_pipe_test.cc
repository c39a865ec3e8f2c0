// The browser going away at the worst moment: stdin closed at every byte of a request frame,
// and stdout closed while the host is in the middle of writing a long answer. The host must
// exit with the code docs/protocol.md gives, having written nothing but whole frames, and log
// what happened without the post's text.
#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "host_process_support.h"

using nlohmann::json;

using postguard::testing::frame;
using postguard::testing::HostProcess;
using postguard::testing::kOrigin;
using postguard::testing::Sandbox;
using postguard::testing::slurp;

namespace {

// Splits what the host wrote into frames; nullopt if anything is left that is not a whole frame.
std::optional<std::vector<json>> whole_frames(const std::string& out) {
  std::vector<json> frames;
  size_t pos = 0;
  while (pos < out.size()) {
    if (out.size() - pos < 4) return std::nullopt;
    std::uint32_t n;
    std::memcpy(&n, out.data() + pos, 4);
    if (out.size() - pos - 4 < n) return std::nullopt;
    frames.push_back(json::parse(out.substr(pos + 4, n)));
    pos += 4 + n;
  }
  return frames;
}

}  // namespace

TEST_CASE("host process: stdin closed at any byte of a frame", "[host-process][pipe]") {
  Sandbox box;
  const std::string hello = frame(R"({"id":1,"type":"hello"})");
  // The text has 2-, 3- and 4-byte characters, so some cuts fall inside one.
  const std::string check = frame(json({{"id", 2},
                                        {"type", "check"},
                                        {"policy", "demo"},
                                        {"text", "xyzzy é 日本 👍🏽 top secret"}})
                                      .dump());
  const size_t payload = check.size() - 4;
  for (size_t cut = 0; cut <= check.size(); ++cut) {
    INFO("cut after " << cut << " of " << check.size() << " bytes");
    HostProcess host({kOrigin}, box.env());
    REQUIRE(host.send(hello + check.substr(0, cut)));
    host.close_stdin();
    const std::optional<std::vector<json>> frames = whole_frames(host.drain());
    REQUIRE(frames.has_value());
    REQUIRE_FALSE(frames->empty());
    CHECK((*frames)[0]["type"] == "hello");
    const std::string log = slurp(box.log_file());
    CHECK(log.find("xyzzy") == std::string::npos);
    if (cut == 0 || cut == check.size()) {
      // Between two frames: the browser closed the port.
      CHECK(host.wait() == 0);
      CHECK(frames->size() == (cut == 0 ? 1u : 2u));
      CHECK(log.find("stdin closed; exiting") != std::string::npos);
    } else {
      CHECK(host.wait() == 3);
      CHECK(frames->size() == 1);
      const size_t claimed = cut >= 4 ? payload : 0;
      const size_t arrived = cut >= 4 ? cut - 4 : 0;
      CHECK(log.find("input ended inside a frame (header claimed " + std::to_string(claimed) +
                     " bytes, " + std::to_string(arrived) + " arrived); exiting") !=
            std::string::npos);
    }
    std::filesystem::remove(box.log_file());
  }
}

TEST_CASE("host process: stdout closed while the host writes long answers",
          "[host-process][pipe]") {
  Sandbox box;
  HostProcess host({kOrigin}, box.env());
  // Each answer is cut to just under 1 MiB, far more than a pipe holds, so the host is blocked
  // inside write() when the read end goes away.
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "top secret ";
  auto request = [&](int id) {
    return frame(json({{"id", id}, {"type", "check"}, {"policy", "demo"}, {"text", text}}).dump());
  };
  std::thread writer([&] {
    for (int id = 1; id <= 3; ++id) host.send(request(id));
    host.close_stdin();
  });
  const std::optional<std::string> first = host.read_frame();
  REQUIRE(first.has_value());
  CHECK(host.last_frame_length() > 1000000);
  // The host logs a request before it writes the answer: once the second is logged, its
  // answer is being written into a pipe nobody reads.
  for (int i = 0; i < 6000 && slurp(box.log_file()).find("request id=2 ") == std::string::npos;
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  host.close_stdout();
  writer.join();
  CHECK(host.wait() == 4);  // not killed by SIGPIPE (1000 + 13)
  const std::string log = slurp(box.log_file());
  CHECK(log.find("request id=2 ") != std::string::npos);
  CHECK(log.find("request id=3 ") == std::string::npos);
  CHECK(log.find("stdout closed by the browser; exiting") != std::string::npos);
  CHECK(log.find("exit 4") != std::string::npos);
}

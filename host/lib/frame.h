// Native-messaging framing: every message, both ways, is a 32-bit length in native byte
// order followed by that many bytes of UTF-8 JSON.
//
//   FdSource in(STDIN_FILENO);
//   FrameReader reader(in);                       // rejects frames over kMaxRequestBytes
//   std::string request;
//   while (reader.next(request) == FrameReader::Result::frame) {
//     if (write_frame(out_fd, answer_for(request)) != WriteResult::ok) break;
//   }
//   // eof: the browser closed the port (exit 0); too_large/truncated/io_error: exit non-zero.
//
// Reading never trusts the length header: a claimed length over the cap is refused before
// anything is allocated, and the body is read in chunks so a header that lies (promises
// 60 MiB, sends 10 bytes) costs only what really arrived. Short reads are normal on pipes
// and are simply continued.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>

namespace postguard {

// Browser -> host: Chromium's renderer refuses extension messages over 64 MiB, so no
// browser can send a larger one to us; anything larger is a broken or hostile stream.
inline constexpr std::uint32_t kMaxRequestBytes = 64u * 1024u * 1024u;
// Host -> browser: Chrome and Firefox both drop the port on a message over 1 MiB
// (exactly 1048576 bytes is still accepted).
inline constexpr std::uint32_t kMaxAnswerBytes = 1024u * 1024u;

// Where request bytes come from. Implement it to feed FrameReader from anything.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads between 1 and `n` bytes into `buf` (n > 0) and returns how many; returns 0 at end
  // of input and -1 on a read error. Returning fewer than `n` bytes is always allowed.
  virtual std::ptrdiff_t read(char* buf, std::size_t n) = 0;
};

// Reads a file descriptor (stdin for the host). Retries reads interrupted by signals.
class FdSource final : public ByteSource {
 public:
  explicit FdSource(int fd) : fd_(fd) {}
  std::ptrdiff_t read(char* buf, std::size_t n) override;
  int last_errno() const { return errno_; }

 private:
  int fd_;
  int errno_ = 0;
};

// Reads a std::istream (an std::istringstream in tests, std::cin elsewhere).
class IstreamSource final : public ByteSource {
 public:
  explicit IstreamSource(std::istream& in) : in_(in) {}
  std::ptrdiff_t read(char* buf, std::size_t n) override;

 private:
  std::istream& in_;
};

class FrameReader {
 public:
  enum class Result {
    frame,      // `payload` holds one whole frame (possibly empty: a zero-length frame)
    eof,        // input ended cleanly, between two frames
    too_large,  // the header claims more than max_bytes; nothing of the body was read
    truncated,  // input ended inside a header or a body
    io_error,   // the source reported a read error
  };

  explicit FrameReader(ByteSource& in, std::uint32_t max_bytes = kMaxRequestBytes)
      : in_(in), max_bytes_(max_bytes) {}

  // Reads the next frame into `payload` (replacing its contents). After anything but
  // Result::frame the stream cannot be resynchronised and the reader should be dropped.
  Result next(std::string& payload);

  // About the last frame that next() started, for the log: the length its header claimed
  // (0 if the header itself was cut) and how many body bytes had arrived.
  std::uint32_t claimed_length() const { return claimed_; }
  std::size_t received() const { return received_; }

 private:
  ByteSource& in_;
  std::uint32_t max_bytes_;
  std::uint32_t claimed_ = 0;
  std::size_t received_ = 0;
};

std::string_view to_string(FrameReader::Result r);  // "truncated"

enum class WriteResult {
  ok,         // the whole frame was written (and, being an unbuffered fd write, is flushed)
  too_large,  // payload over max_bytes; nothing was written
  closed,     // the reader went away (EPIPE): the browser closed the port
  io_error,   // any other write error
};

// Writes one frame to `fd`, continuing partial writes and retrying on EINTR. The caller
// must have SIGPIPE ignored (host_main does) so a closed pipe is reported as `closed`
// instead of killing the process.
WriteResult write_frame(int fd, std::string_view payload,
                        std::uint32_t max_bytes = kMaxAnswerBytes);

// The bytes of one frame: header then payload. For tests and in-process peers.
std::string encode_frame(std::string_view payload);

}  // namespace postguard

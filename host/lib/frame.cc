#include "frame.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <istream>

#ifdef _WIN32
#include <io.h>
#else
#include <poll.h>
#include <unistd.h>
#endif

namespace postguard {

namespace {

// Pipes deliver at most a page or so per read anyway; 64 KiB keeps syscalls few while
// bounding how far the buffer can run ahead of the bytes that really arrived.
constexpr std::size_t kReadChunk = std::size_t{64} * 1024;

// Reads exactly `n` bytes unless input ends first; returns how many were read, or -1 on error.
std::ptrdiff_t read_full(ByteSource& in, char* buf, std::size_t n) {
  std::size_t got = 0;
  while (got < n) {
    std::ptrdiff_t r = in.read(buf + got, n - got);
    if (r < 0) return -1;
    if (r == 0) break;
    got += static_cast<std::size_t>(r);
  }
  return static_cast<std::ptrdiff_t>(got);
}

#ifndef _WIN32
// Browsers hand us blocking pipes, but a parent that set O_NONBLOCK must not turn "no data
// yet" into a fatal error: wait for the descriptor instead.
bool wait_for(int fd, short events) {
  pollfd p{fd, events, 0};
  int r;
  do {
    r = ::poll(&p, 1, -1);
  } while (r < 0 && errno == EINTR);
  return r > 0;
}
#endif

}  // namespace

std::ptrdiff_t FdSource::read(char* buf, std::size_t n) {
  for (;;) {
#ifdef _WIN32
    int r = ::_read(fd_, buf, static_cast<unsigned>(std::min<std::size_t>(n, 1u << 30)));
#else
    ssize_t r = ::read(fd_, buf, n);
#endif
    if (r >= 0) return static_cast<std::ptrdiff_t>(r);
    if (errno == EINTR) continue;
#ifndef _WIN32
    if ((errno == EAGAIN || errno == EWOULDBLOCK) && wait_for(fd_, POLLIN)) continue;
#endif
    errno_ = errno;
    return -1;
  }
}

std::ptrdiff_t IstreamSource::read(char* buf, std::size_t n) {
  if (!in_.good()) return in_.bad() ? -1 : 0;
  in_.read(buf, static_cast<std::streamsize>(n));
  std::streamsize got = in_.gcount();
  if (got > 0) return static_cast<std::ptrdiff_t>(got);
  return in_.bad() ? -1 : 0;
}

FrameReader::Result FrameReader::next(std::string& payload) {
  payload.clear();
  claimed_ = 0;
  received_ = 0;

  char header[4];
  std::ptrdiff_t h = read_full(in_, header, sizeof header);
  if (h < 0) return Result::io_error;
  if (h == 0) return Result::eof;
  if (h < 4) return Result::truncated;
  std::uint32_t length;
  std::memcpy(&length, header, sizeof length);  // native byte order, as the browsers write it
  claimed_ = length;
  if (length > max_bytes_) return Result::too_large;

  // Grow with what arrives rather than reserving `length` up front: the header is untrusted.
  while (received_ < length) {
    std::size_t want = std::min<std::size_t>(length - received_, kReadChunk);
    payload.resize(received_ + want);
    std::ptrdiff_t r = in_.read(payload.data() + received_, want);
    if (r < 0) {
      payload.resize(received_);
      return Result::io_error;
    }
    if (r == 0) {
      payload.resize(received_);
      return Result::truncated;
    }
    received_ += static_cast<std::size_t>(r);
    payload.resize(received_);
  }
  return Result::frame;
}

std::string_view to_string(FrameReader::Result r) {
  switch (r) {
    case FrameReader::Result::frame:
      return "frame";
    case FrameReader::Result::eof:
      return "eof";
    case FrameReader::Result::too_large:
      return "too_large";
    case FrameReader::Result::truncated:
      return "truncated";
    case FrameReader::Result::io_error:
      return "io_error";
  }
  return "unknown";
}

std::string encode_frame(std::string_view payload) {
  auto length = static_cast<std::uint32_t>(payload.size());
  std::string out(sizeof length, '\0');
  std::memcpy(out.data(), &length, sizeof length);
  out.append(payload);
  return out;
}

WriteResult write_frame(int fd, std::string_view payload, std::uint32_t max_bytes) {
  if (payload.size() > max_bytes) return WriteResult::too_large;
  // One buffer, so a frame leaves in as few writes as the pipe allows and a reader never
  // sees a header whose body we then failed to start.
  std::string frame = encode_frame(payload);
  std::size_t done = 0;
  while (done < frame.size()) {
#ifdef _WIN32
    int w = ::_write(fd, frame.data() + done,
                     static_cast<unsigned>(std::min<std::size_t>(frame.size() - done, 1u << 30)));
#else
    ssize_t w = ::write(fd, frame.data() + done, frame.size() - done);
#endif
    if (w < 0) {
      if (errno == EINTR) continue;
#ifndef _WIN32
      if ((errno == EAGAIN || errno == EWOULDBLOCK) && wait_for(fd, POLLOUT)) continue;
#endif
      return errno == EPIPE ? WriteResult::closed : WriteResult::io_error;
    }
    done += static_cast<std::size_t>(w);
  }
  return WriteResult::ok;
}

}  // namespace postguard

// Native-messaging framing: partial reads, limits, cut streams, and writing.
#include "frame.h"

#include <chrono>
#include <csignal>
#include <cstring>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>

using postguard::ByteSource;
using postguard::encode_frame;
using postguard::FdSource;
using postguard::FrameReader;
using postguard::IstreamSource;
using postguard::kMaxAnswerBytes;
using postguard::kMaxRequestBytes;
using postguard::write_frame;
using postguard::WriteResult;
using Result = FrameReader::Result;

namespace {

// Serves a byte string `step` bytes per read at most, the way a slow pipe does.
class StringSource : public ByteSource {
 public:
  explicit StringSource(std::string data, std::size_t step = 1)
      : data_(std::move(data)), step_(step) {}
  std::ptrdiff_t read(char* buf, std::size_t n) override {
    ++reads_;
    std::size_t k = std::min({n, step_, data_.size() - pos_});
    std::memcpy(buf, data_.data() + pos_, k);
    pos_ += k;
    return static_cast<std::ptrdiff_t>(k);
  }
  std::size_t consumed() const { return pos_; }
  std::size_t reads() const { return reads_; }

 private:
  std::string data_;
  std::size_t step_;
  std::size_t pos_ = 0;
  std::size_t reads_ = 0;
};

// Serves random-sized pieces (1..max) of a byte string.
class RandomChunkSource : public ByteSource {
 public:
  RandomChunkSource(std::string data, std::size_t max_chunk, unsigned seed)
      : data_(std::move(data)), max_(max_chunk), rng_(seed) {}
  std::ptrdiff_t read(char* buf, std::size_t n) override {
    std::uniform_int_distribution<std::size_t> pick(1, max_);
    std::size_t k = std::min({n, pick(rng_), data_.size() - pos_});
    std::memcpy(buf, data_.data() + pos_, k);
    pos_ += k;
    return static_cast<std::ptrdiff_t>(k);
  }

 private:
  std::string data_;
  std::size_t max_;
  std::mt19937 rng_;
  std::size_t pos_ = 0;
};

// Serves some bytes, then fails.
class FailingSource : public ByteSource {
 public:
  explicit FailingSource(std::string data) : data_(std::move(data)) {}
  std::ptrdiff_t read(char* buf, std::size_t n) override {
    if (pos_ == data_.size()) return -1;
    std::size_t k = std::min(n, data_.size() - pos_);
    std::memcpy(buf, data_.data() + pos_, k);
    pos_ += k;
    return static_cast<std::ptrdiff_t>(k);
  }

 private:
  std::string data_;
  std::size_t pos_ = 0;
};

std::string header(std::uint32_t n) {
  std::string h(4, '\0');
  std::memcpy(h.data(), &n, 4);
  return h;
}

struct Pipe {
  int r = -1, w = -1;
  Pipe() { REQUIRE(::pipe(&r) == 0); }
  ~Pipe() {
    close_read();
    close_write();
  }
  void close_read() {
    if (r >= 0) ::close(r);
    r = -1;
  }
  void close_write() {
    if (w >= 0) ::close(w);
    w = -1;
  }
};

std::string read_all(int fd) {
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

}  // namespace

TEST_CASE("frame: the header is the length in native byte order", "[frame]") {
  std::string f = encode_frame("{\"a\":1}");
  REQUIRE(f.size() == 4 + 7);
  std::uint32_t n = 0;
  std::memcpy(&n, f.data(), 4);
  CHECK(n == 7);
  CHECK(f.substr(4) == "{\"a\":1}");
  CHECK(encode_frame("") == std::string(4, '\0'));
}

TEST_CASE("frame: frames read back one byte per read", "[frame]") {
  std::vector<std::string> payloads = {"{\"id\":1}", "", "x", std::string(70000, 'y'),
                                       "\xF0\x9F\x91\x8D\xE6\x97\xA5"};
  std::string stream;
  for (const std::string& p : payloads) stream += encode_frame(p);
  StringSource src(stream, 1);
  FrameReader reader(src);
  std::string got;
  for (const std::string& p : payloads) {
    REQUIRE(reader.next(got) == Result::frame);
    CHECK(got == p);
  }
  CHECK(reader.next(got) == Result::eof);
  CHECK(got.empty());
  CHECK(src.consumed() == stream.size());
}

TEST_CASE("frame: a zero-length frame is a frame, not end of input", "[frame]") {
  StringSource src(encode_frame("") + encode_frame("{}"), 3);
  FrameReader reader(src);
  std::string got = "stale";
  REQUIRE(reader.next(got) == Result::frame);
  CHECK(got.empty());
  REQUIRE(reader.next(got) == Result::frame);
  CHECK(got == "{}");
  CHECK(reader.next(got) == Result::eof);
}

TEST_CASE("frame: large frames arrive whole through random short reads", "[frame]") {
  std::string big(5 * 1024 * 1024 + 3, '\0');
  std::mt19937 rng(7);
  for (char& c : big) c = static_cast<char>('a' + rng() % 26);
  std::string stream = encode_frame(big) + encode_frame("after");
  RandomChunkSource src(stream, 9000, 42);
  FrameReader reader(src);
  std::string got;
  REQUIRE(reader.next(got) == Result::frame);
  CHECK(got.size() == big.size());
  CHECK(got == big);
  REQUIRE(reader.next(got) == Result::frame);
  CHECK(got == "after");
  CHECK(reader.next(got) == Result::eof);
}

TEST_CASE("frame: the size limit is inclusive and checked before reading the body", "[frame]") {
  SECTION("exactly the limit is accepted") {
    StringSource src(encode_frame(std::string(100, 'a')), 7);
    FrameReader reader(src, 100);
    std::string got;
    CHECK(reader.next(got) == Result::frame);
    CHECK(got.size() == 100);
  }
  SECTION("one byte over is refused without consuming the body") {
    StringSource src(encode_frame(std::string(101, 'a')), 1000);
    FrameReader reader(src, 100);
    std::string got;
    CHECK(reader.next(got) == Result::too_large);
    CHECK(reader.claimed_length() == 101);
    CHECK(src.consumed() == 4);
  }
  SECTION("the default limit is 64 MiB") {
    STATIC_REQUIRE(kMaxRequestBytes == 64u * 1024 * 1024);
    STATIC_REQUIRE(kMaxAnswerBytes == 1048576u);
    StringSource src(header(kMaxRequestBytes + 1), 4);
    FrameReader reader(src);
    std::string got;
    CHECK(reader.next(got) == Result::too_large);
    CHECK(reader.claimed_length() == kMaxRequestBytes + 1);
    CHECK(got.capacity() < 1024);  // nothing was allocated for the claimed length
  }
  SECTION("a header of 0xFFFFFFFF is refused") {
    StringSource src(header(0xFFFFFFFFu) + "abc", 4);
    FrameReader reader(src);
    std::string got;
    CHECK(reader.next(got) == Result::too_large);
  }
}

TEST_CASE("frame: a header that lies costs only the bytes that arrived", "[frame]") {
  // Claims 60 MiB, delivers 10 bytes, ends.
  StringSource src(header(60u * 1024 * 1024) + "0123456789", 3);
  FrameReader reader(src);
  std::string got;
  CHECK(reader.next(got) == Result::truncated);
  CHECK(reader.claimed_length() == 60u * 1024 * 1024);
  CHECK(reader.received() == 10);
  CHECK(got.capacity() <= std::size_t{128} * 1024);
}

TEST_CASE("frame: input cut inside a header or a body is truncated", "[frame]") {
  std::string got;
  SECTION("cut after 1, 2 and 3 header bytes") {
    for (std::size_t k = 1; k <= 3; ++k) {
      StringSource src(encode_frame("{}").substr(0, k), 1);
      FrameReader reader(src);
      CHECK(reader.next(got) == Result::truncated);
      CHECK(reader.claimed_length() == 0);
    }
  }
  SECTION("cut inside the body") {
    std::string f = encode_frame("{\"id\":1,\"type\":\"hello\"}");
    StringSource src(encode_frame("{}") + f.substr(0, f.size() - 1), 2);
    FrameReader reader(src);
    REQUIRE(reader.next(got) == Result::frame);
    CHECK(reader.next(got) == Result::truncated);
    CHECK(reader.received() == f.size() - 5);
  }
  SECTION("header with no body at all") {
    StringSource src(header(5), 4);
    FrameReader reader(src);
    CHECK(reader.next(got) == Result::truncated);
    CHECK(reader.received() == 0);
  }
}

TEST_CASE("frame: end of input between frames is eof", "[frame]") {
  std::string got;
  StringSource empty("", 1);
  FrameReader r1(empty);
  CHECK(r1.next(got) == Result::eof);
  CHECK(r1.next(got) == Result::eof);  // and stays so
}

TEST_CASE("frame: read errors are reported as io_error", "[frame]") {
  std::string got;
  FailingSource before_header("");
  FrameReader r1(before_header);
  CHECK(r1.next(got) == Result::io_error);
  FailingSource mid_body(header(10) + "abc");
  FrameReader r2(mid_body);
  CHECK(r2.next(got) == Result::io_error);
}

TEST_CASE("frame: IstreamSource reads frames from a stream", "[frame]") {
  std::istringstream in(encode_frame("one") + encode_frame("two") + "\x01");
  IstreamSource src(in);
  FrameReader reader(src);
  std::string got;
  REQUIRE(reader.next(got) == Result::frame);
  CHECK(got == "one");
  REQUIRE(reader.next(got) == Result::frame);
  CHECK(got == "two");
  CHECK(reader.next(got) == Result::truncated);
}

TEST_CASE("frame: FdSource reads frames written to a pipe in pieces", "[frame]") {
  Pipe p;
  std::string stream = encode_frame(std::string(300000, 'q')) + encode_frame("end");
  std::thread writer([&] {
    std::size_t done = 0;
    std::size_t step = 1;
    while (done < stream.size()) {
      std::size_t k = std::min(step, stream.size() - done);
      ssize_t w = ::write(p.w, stream.data() + done, k);
      if (w <= 0) break;
      done += static_cast<std::size_t>(w);
      step = step * 3 + 1;
    }
    p.close_write();
  });
  FdSource src(p.r);
  FrameReader reader(src);
  std::string got;
  CHECK(reader.next(got) == Result::frame);
  CHECK(got == std::string(300000, 'q'));
  CHECK(reader.next(got) == Result::frame);
  CHECK(got == "end");
  CHECK(reader.next(got) == Result::eof);
  writer.join();
}

TEST_CASE("frame: write_frame writes whole frames up to the answer limit", "[frame]") {
  SECTION("round trip through a pipe, including exactly 1 MiB") {
    Pipe p;
    std::string exact(kMaxAnswerBytes, 'z');
    std::string got;
    std::thread reader([&] { got = read_all(p.r); });
    CHECK(write_frame(p.w, "{\"id\":1}") == WriteResult::ok);
    CHECK(write_frame(p.w, exact) == WriteResult::ok);
    p.close_write();
    reader.join();
    CHECK(got == encode_frame("{\"id\":1}") + encode_frame(exact));
  }
  SECTION("over the limit nothing is written") {
    Pipe p;
    CHECK(write_frame(p.w, std::string(kMaxAnswerBytes + 1, 'z')) == WriteResult::too_large);
    CHECK(write_frame(p.w, "12345", 4) == WriteResult::too_large);
    p.close_write();
    CHECK(read_all(p.r).empty());
  }
  SECTION("a closed reader is reported, not fatal") {
    auto old = std::signal(SIGPIPE, SIG_IGN);
    Pipe p;
    p.close_read();
    CHECK(write_frame(p.w, "{}") == WriteResult::closed);
    std::signal(SIGPIPE, old);
  }
  SECTION("a bad descriptor is an io_error") {
    CHECK(write_frame(-1, "{}") == WriteResult::io_error);
  }
}

TEST_CASE("frame: non-blocking descriptors are waited on, not failed", "[frame]") {
  Pipe p;
  REQUIRE(::fcntl(p.r, F_SETFL, ::fcntl(p.r, F_GETFL) | O_NONBLOCK) == 0);
  REQUIRE(::fcntl(p.w, F_SETFL, ::fcntl(p.w, F_GETFL) | O_NONBLOCK) == 0);
  std::string big(kMaxAnswerBytes, 'n');
  WriteResult wrote = WriteResult::io_error;
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the reader finds no data yet
    wrote = write_frame(p.w, big);  // far more than the pipe holds: must wait for the reader
    p.close_write();
  });
  FdSource src(p.r);
  FrameReader reader(src);
  std::string got;
  CHECK(reader.next(got) == Result::frame);
  CHECK(got == big);
  CHECK(reader.next(got) == Result::eof);
  writer.join();
  CHECK(wrote == WriteResult::ok);
}

// Measures what docs/performance.md records under "Hostile rules": every pack in a directory
// of hostile rule packs (tests/fixtures/hostile/) checked against adversarial posts of 1 000,
// 2 000, 4 000 ... 64 000 characters, printed as time per character. A check whose cost is
// linear in the post's length prints the same number across a row. Each hostile pack is
// compiled on its own (as `postguard rules validate` does), so one pack's patterns do not slow
// another's rows; the optional shipped policy is loaded with all its sibling packs, as the host
// loads it. Not a test: it never fails on the numbers.
// Usage: postguard-bench-hostile HOSTILE_DIR [RULES_DIR POLICY]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "policy_set.h"
#include "rule_compiler.h"
#include "rule_file.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Shape {
  const char* name;
  std::function<std::string(size_t)> make;  // a post of about n bytes
};

std::string repeat(const std::string& unit, size_t n) {
  std::string s;
  while (s.size() < n) s += unit;
  s.resize(n);
  return s;
}

// Deterministic a/b noise: every 'a' starts a new candidate match of a[ab]{k}c.
std::string noise(size_t n) {
  std::string s(n, 'a');
  uint32_t x = 2463534242u;
  for (char& c : s) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    c = (x & 1) != 0 ? 'a' : 'b';
  }
  return s;
}

std::string realistic(size_t n) {
  std::string s = repeat(
      "Great session today with the working group on the new draft 🎉 Thanks @alice! "
      "Photo of the students at the workshop 📸 #Standards Views are my own. "
      "Très bonne réunion à Genève 👍🏽 日本の標準化 https://www.example.org/news ",
      n);
  while (!s.empty() && (static_cast<unsigned char>(s.back()) & 0xC0) == 0x80) s.pop_back();
  if (!s.empty() && static_cast<unsigned char>(s.back()) >= 0xC0) s.pop_back();
  return s;
}

const std::vector<Shape>& shapes() {
  static const std::vector<Shape> kShapes = {
      {"a...", [](size_t n) { return std::string(n, 'a'); }},
      {"a/b noise", noise},
      {"x y x y", [](size_t n) { return repeat("x y ", n); }},
      {"a a a a", [](size_t n) { return repeat("a ", n); }},
      {"abcdef", [](size_t n) { return repeat("abcdef ", n); }},
      {"realistic", realistic},
  };
  return kShapes;
}

// Microseconds per byte of `text`, repeating the check until 50 ms have passed.
double us_per_byte(const postguard::Policy& p, const std::string& text) {
  const postguard::CheckOptions o;
  size_t rounds = 0;
  size_t sink = 0;
  const auto t0 = Clock::now();
  std::chrono::duration<double, std::micro> spent{};
  do {
    sink += p.check(text, o).size();
    ++rounds;
    spent = Clock::now() - t0;
  } while (spent.count() < 50000);
  if (sink == SIZE_MAX) std::puts("");
  return spent.count() / static_cast<double>(rounds) / static_cast<double>(text.size());
}

void row(const postguard::Policy& p, const Shape& shape) {
  const std::vector<size_t> sizes = {1000, 2000, 4000, 8000, 16000, 32000, 64000};
  us_per_byte(p, shape.make(sizes.front()));  // warm the caches (RE2's DFAs, folding)
  std::printf("%-22s %-10s", p.info().id.c_str(), shape.name);
  double lo = 1e300, hi = 0;
  for (size_t n : sizes) {
    const double v = us_per_byte(p, shape.make(n));
    lo = std::min(lo, v);
    hi = std::max(hi, v);
    std::printf(" %8.4f", v);
  }
  std::printf("   %5.2f\n", hi / lo);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 && argc != 4) {
    std::fprintf(stderr, "usage: postguard-bench-hostile HOSTILE_DIR [RULES_DIR POLICY]\n");
    return 2;
  }
  std::vector<std::shared_ptr<const postguard::Policy>> owned;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(argv[1])) {
    if (e.path().extension() == ".json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<const postguard::Policy*> packs;
  for (const std::filesystem::path& f : files) {
    postguard::Expected<postguard::RuleFile> file = postguard::read_rule_file(f);
    if (!file) {
      std::fprintf(stderr, "%s\n", file.error().message.c_str());
      return 2;
    }
    postguard::CompileResult r =
        postguard::compile_policy(*file, [](std::string_view) { return nullptr; });
    for (const std::string& e : r.problems) std::fprintf(stderr, "%s\n", e.c_str());
    if (!r.policy) return 2;
    owned.push_back(r.policy);
    packs.push_back(r.policy.get());
  }
  postguard::PolicySet shipped;
  if (argc == 4) {
    shipped = postguard::PolicySet::load({argv[2]});
    const postguard::Policy* p = shipped.find(argv[3]);
    if (p == nullptr) {
      std::fprintf(stderr, "no policy %s in %s\n", argv[3], argv[2]);
      return 2;
    }
    packs.push_back(p);
  }
  if (packs.empty()) {
    std::fprintf(stderr, "no policy in %s\n", argv[1]);
    return 2;
  }
  std::printf("microseconds per byte of post, by post length; last column: slowest / fastest\n");
  std::printf("%-22s %-10s %8s %8s %8s %8s %8s %8s %8s   %5s\n", "pack", "post", "1k", "2k", "4k",
              "8k", "16k", "32k", "64k", "ratio");
  for (const postguard::Policy* p : packs) {
    for (const Shape& s : shapes()) row(*p, s);
  }
  return 0;
}

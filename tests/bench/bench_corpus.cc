// Measures what docs/performance.md records under "Distinct real posts": every labelled post of
// tests/corpus/, then 3 000 mixtures of one to six of them, each checked against the loaded
// policies in turn. Unlike postguard-bench, which checks one post over and over (every cache
// warm), each post here is new to the engine on the first pass and seen once on the second.
// Not a test: it prints numbers and never fails on them.
// Usage: postguard-bench-corpus RULES_DIR CORPUS_DIR
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "policy_set.h"

namespace {

using Clock = std::chrono::steady_clock;

std::vector<std::string> corpus_texts(const std::string& dir) {
  std::vector<std::string> texts;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() != ".jsonl") continue;
    std::ifstream in(e.path());
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) texts.push_back(nlohmann::json::parse(line).at("text"));
    }
  }
  std::sort(texts.begin(), texts.end());
  return texts;
}

void bench(const std::vector<const postguard::Policy*>& policies, const char* name,
           const std::vector<std::string>& posts) {
  for (const char* pass : {"first", "second"}) {
    std::vector<double> us;
    size_t bytes = 0, i = 0;
    for (const std::string& t : posts) {
      const auto t0 = Clock::now();
      policies[i++ % policies.size()]->check(t, {});
      us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
      bytes += t.size();
    }
    std::sort(us.begin(), us.end());
    double sum = 0;
    for (double u : us) sum += u;
    std::printf(
        "check, %zu %s (%zu bytes on average), %s pass: median %.0f us, mean %.0f us, "
        "99th percentile %.0f us\n",
        posts.size(), name, bytes / posts.size(), pass, us[us.size() / 2],
        sum / static_cast<double>(us.size()), us[us.size() * 99 / 100]);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: postguard-bench-corpus RULES_DIR CORPUS_DIR\n");
    return 2;
  }
  const postguard::PolicySet set = postguard::PolicySet::load({argv[1]});
  const std::vector<const postguard::Policy*> policies = set.policies();
  const std::vector<std::string> texts = corpus_texts(argv[2]);
  if (policies.empty() || texts.empty()) {
    std::fprintf(stderr, "no policy in %s or no post in %s\n", argv[1], argv[2]);
    return 2;
  }
  std::mt19937 rng(1);
  std::vector<std::string> mixtures;
  for (int i = 0; i < 3000; ++i) {
    std::string t;
    for (int k = 1 + static_cast<int>(rng() % 6); k > 0; --k)
      t += texts[rng() % texts.size()] + " ";
    mixtures.push_back(t);
  }
  bench(policies, "corpus posts", texts);
  bench(policies, "corpus mixtures", mixtures);
  return 0;
}

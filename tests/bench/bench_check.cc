// Measures what docs/performance.md records. Not a test: it prints numbers, it never fails
// on them. Usage: postguard-bench RULES_DIR HOST_BINARY [POLICY]
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "policy_set.h"
#include "rules_watch.h"

namespace {

using Clock = std::chrono::steady_clock;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// A realistic post of about `target` characters, mixing work talk, emoji and hashtags, so
// that several rule kinds have something to look at.
std::string post_of_length(size_t target) {
  const std::vector<std::string> parts = {
      "Great session today with the working group on the new draft 🎉 ",
      "Thanks @alice for chairing! ",
      "Our national body voted in favour, results next week. ",
      "Photo of the students at the workshop 📸 #Standards #WorldRefugeeDay ",
      "Views are my own. ",
      "More at https://www.example.org/news/2026/11/standards-week ",
      "Très bonne réunion à Genève, merci à tous 👍🏽 ",
  };
  std::string s;
  for (size_t i = 0; s.size() < target; ++i) s += parts[i % parts.size()];
  s.resize(target);
  while (!s.empty() && (static_cast<unsigned char>(s.back()) & 0xC0) == 0x80) s.pop_back();
  if (!s.empty() && static_cast<unsigned char>(s.back()) >= 0xC0) s.pop_back();
  return s;
}

double bench_check(const postguard::Policy& p, const std::string& text, int rounds) {
  postguard::CheckOptions o;
  std::vector<double> us;
  size_t sink = 0;
  for (int i = 0; i < rounds; ++i) {
    const auto t0 = Clock::now();
    sink += p.check(text, o).size();
    us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
  }
  if (sink == SIZE_MAX) std::puts("");
  return median(us);
}

struct Host {
  pid_t pid = -1;
  int to = -1;
  int from = -1;
};

Host spawn(const char* path, const char* rules) {
  int in[2], out[2];
  if (pipe(in) != 0 || pipe(out) != 0) std::exit(2);
  Host h;
  h.pid = fork();
  if (h.pid == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    close(in[1]);
    close(out[0]);
    setenv("POSTGUARD_DATA_DIR", rules, 1);
    execl(path, path, "chrome-extension://bench/", static_cast<char*>(nullptr));
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  h.to = in[1];
  h.from = out[0];
  return h;
}

bool read_all(int fd, char* p, size_t n) {
  while (n > 0) {
    const ssize_t r = read(fd, p, n);
    if (r <= 0) return false;
    p += r;
    n -= static_cast<size_t>(r);
  }
  return true;
}

std::string round_trip(const Host& h, const std::string& msg) {
  const auto len = static_cast<uint32_t>(msg.size());
  std::string frame(reinterpret_cast<const char*>(&len), 4);
  frame += msg;
  if (write(h.to, frame.data(), frame.size()) != static_cast<ssize_t>(frame.size())) return {};
  uint32_t n = 0;
  if (!read_all(h.from, reinterpret_cast<char*>(&n), 4)) return {};
  std::string body(n, '\0');
  if (!read_all(h.from, body.data(), n)) return {};
  return body;
}

// VmRSS or VmHWM of a process, in MB.
double proc_mb(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stod(line.substr(field.size() + 1)) / 1024.0;
  }
  return 0;
}

// A host serving a copy of `rules` whose `policy` pack is touched before each of `n` checks,
// each a second apart, so every check first reloads the rules.
void bench_reloads(const char* host, const char* rules, const std::string& policy,
                   const std::string& check, int n) {
  namespace fs = std::filesystem;
  const fs::path copy = fs::temp_directory_path() / ("postguard-bench-" + std::to_string(getpid()));
  fs::remove_all(copy);
  fs::copy(rules, copy, fs::copy_options::recursive);
  Host h = spawn(host, copy.c_str());
  round_trip(h, check);
  const double rss0 = proc_mb(h.pid, "VmRSS");
  std::vector<double> ms;
  for (int i = 0; i < n; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1050));
    fs::last_write_time(copy / (policy + ".json"), fs::file_time_type::clock::now());
    const auto t0 = Clock::now();
    round_trip(h, check);
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  std::printf("check that first reloads every pack (a rule file was saved): median %.0f ms\n",
              median(ms));
  std::printf("host RSS %.1f MB before, %.1f MB after %d reloads; peak %.1f MB\n", rss0,
              proc_mb(h.pid, "VmRSS"), n, proc_mb(h.pid, "VmHWM"));
  close(h.to);
  close(h.from);
  waitpid(h.pid, nullptr, 0);
  fs::remove_all(copy);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: postguard-bench RULES_DIR HOST_BINARY [POLICY]\n");
    return 2;
  }
  const char* rules = argv[1];
  const char* host = argv[2];
  const std::string policy = argc > 3 ? argv[3] : "iom";

  const auto l0 = Clock::now();
  postguard::PolicySet set = postguard::PolicySet::load({rules});
  const double load_ms = std::chrono::duration<double, std::milli>(Clock::now() - l0).count();
  const postguard::Policy* p = set.find(policy);
  if (!p) {
    std::fprintf(stderr, "no policy %s in %s\n", policy.c_str(), rules);
    return 2;
  }
  std::printf("policy %s: %zu rules, all packs loaded and compiled in %.2f ms\n", policy.c_str(),
              p->info().rule_count, load_ms);
  std::printf("check, 280-char post:   median %.2f us\n",
              bench_check(*p, post_of_length(280), 20000));
  std::printf("check, 5000-char post:  median %.2f us\n",
              bench_check(*p, post_of_length(5000), 2000));

  // Process start to first answer, over fresh processes.
  std::vector<double> start_ms;
  long peak_kb = 0;
  nlohmann::json check = {
      {"id", 1},          {"type", "check"},       {"text", post_of_length(280)},
      {"policy", policy}, {"platform", "twitter"}, {"role", "personal"}};
  for (int i = 0; i < 20; ++i) {
    const auto t0 = Clock::now();
    Host h = spawn(host, rules);
    const std::string answer = round_trip(h, check.dump());
    start_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    if (answer.find("\"result\"") == std::string::npos) {
      std::fprintf(stderr, "host gave no result: %s\n", answer.c_str());
      return 1;
    }
    if (i == 19) {
      // Peak memory after many checks, including a long post.
      nlohmann::json big = check;
      big["text"] = post_of_length(60000);
      for (int k = 0; k < 2000; ++k) {
        check["id"] = k;
        const std::string a = round_trip(h, (k % 100 == 0 ? big : check).dump());
        if (a.empty()) return 1;
      }
      std::vector<double> rt;
      for (int k = 0; k < 5000; ++k) {
        const auto r0 = Clock::now();
        round_trip(h, check.dump());
        rt.push_back(std::chrono::duration<double, std::micro>(Clock::now() - r0).count());
      }
      std::printf("host round trip (280-char check through the pipe): median %.1f us\n",
                  median(rt));
    }
    close(h.to);
    close(h.from);
    int status = 0;
    struct rusage ru {};
    wait4(h.pid, &status, 0, &ru);
    peak_kb = std::max(peak_kb, ru.ru_maxrss);
  }
  std::printf("process start to first answer: median %.2f ms\n", median(start_ms));
  std::printf("host peak memory (RSS): %.1f MB\n", static_cast<double>(peak_kb) / 1024.0);

  // What the host adds before a request, at most once a second: a look for edited rules.
  // Last, as a child's ru_maxrss counts the memory it was forked with.
  postguard::RulesWatch watch({rules}, std::chrono::milliseconds(0));
  std::vector<double> look_us;
  for (int i = 0; i < 2000; ++i) {
    const auto t0 = Clock::now();
    if (watch.poll()) std::puts("rules changed while measuring");
    look_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
  }
  std::printf("look for edited rules (stat only, no change): median %.1f us\n", median(look_us));
  bench_reloads(host, rules, policy, check.dump(), 10);
  return 0;
}

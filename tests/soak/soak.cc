// Soak: one real postguard-host process, started with pipes as a browser starts it, serves N
// checks (default 1 000 000) of mixed posts with up to 32 requests in flight. Every answer must
// be a well-formed result for its request, in order; the host's memory must stay flat after
// warm-up; at the end the driver closes the pipe in the middle of a frame, inside a multi-byte
// character, and the host must exit 3 having written nothing more. Prints a summary.
//
// Usage: postguard-soak HOST RULES_DIR CORPUS_DIR [N] [--inflight K] [--no-rss-check]
//   RULES_DIR   the packs the host loads (POSTGUARD_DATA_DIR)
//   CORPUS_DIR  tests/corpus: its *.jsonl posts are part of the mix
//
// "Flat" (docs/performance.md): the largest RSS sampled in the second half of the run is at
// most kRssSlackMiB above the largest in the second quarter. By the second quarter every post
// of the mix, every policy and every rule has been used thousands of times, so what the host
// caches (folded code points, RE2's automata, allocator pools) has reached its working size;
// what is left is allocator noise from 60 000-character posts, a few MiB. A leak of 16 bytes
// per check would add 8 MiB over the second half of a million checks.
// --no-rss-check is for sanitizer builds, whose quarantine grows by design; their leak
// checker runs when the host exits instead, and a leak changes the exit code.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "../support/spawn_with_pipes.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr double kRssSlackMiB = 8;
constexpr size_t kMaxAnswerBytes = 1024 * 1024;

[[noreturn]] void fail(const std::string& why) {
  std::fprintf(stderr, "soak: FAIL: %s\n", why.c_str());
  std::exit(1);
}

// ---- posts -----------------------------------------------------------------------------

size_t utf16_length(const std::string& s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0) != 0x80) n += c >= 0xF0 ? 2 : 1;
  }
  return n;
}

// The longest prefix of `s` that is at most `units` UTF-16 code units long.
std::string prefix_utf16(const std::string& s, size_t units) {
  size_t n = 0, i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    const size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (n + (len == 4 ? 2 : 1) > units) break;
    n += len == 4 ? 2 : 1;
    i += len;
  }
  return s.substr(0, i);
}

// Text that has broken text engines: every kind of emoji sequence, scripts with and without
// spaces, right-to-left text, stacked combining marks, look-alikes, invisible characters, the
// code points next to the surrogate range and at the end of Unicode, noncharacters, controls.
const std::vector<std::string> kEdges = {"👩‍👩‍👧‍👦 family ",
                                         "👍🏽👋🏿🧑🏻‍💻 ",
                                         "🇨🇭🇫🇷🇺🇳🇪🇸 ",
                                         "1️⃣#️⃣*️⃣ ",
                                         "🏴󠁧󠁢󠁳󠁣󠁴󠁿 ",
                                         "😀😀😀😀😀😀😀😀 ",
                                         "日本語の標準化について 中文测试文本 한국어 텍스트 ",
                                         "国際標準化機構の会議は秘密です。",
                                         "مرحبا بالعالم، هذا سري ",
                                         "שלום עולם זה סודי ",
                                         "\u202Eright-to-left override\u202C ",
                                         "Re\u0301union confidentielle ",
                                         "Z\u0335\u0321\u0334a\u0337\u0322l\u0336\u0323g\u0338o ",
                                         "नमस्ते दुनिया ",
                                         "สวัสดีชาวโลก ",
                                         "ｃｏｎｆｉｄｅｎｔｉａｌ ",
                                         "𝐜𝐨𝐧𝐟𝐢𝐝𝐞𝐧𝐭𝐢𝐚𝐥 ",
                                         "cоnfidential (Cyrillic о) ",
                                         "con\u200Bfiden\u00ADtial ",
                                         "\uFEFFBOM ",
                                         "\uD7FF\uE000 ",
                                         "\U0010FFFF\U000E0001 ",
                                         "\uFFFD\uFFFE\uFFFF\uFDD0 ",
                                         "\uF8FF private ",
                                         "line\u2028sep\u2029 ",
                                         "tab\tand\r\nCRLF\u0001\u001F ",
                                         "\u00A0nbsp\u2009thin ",
                                         "@IET #WorldRefugeeDay https://iso.org/x ",
                                         "top secret draft standard, views are my own ",
                                         "mot de passe : hunter2 ",
                                         "contraseña: 1234abcd "};

struct Post {
  std::string text_json;  // the text as a JSON string, quotes included
  size_t utf16 = 0;
  bool big = false;
};

Post make_post(const std::string& text, bool big = false) {
  return Post{json(text).dump(), utf16_length(text), big};
}

std::vector<std::string> corpus_texts(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".jsonl") continue;
    std::ifstream in(e.path());
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) out.push_back(json::parse(line).at("text").get<std::string>());
    }
  }
  if (out.empty()) fail("no posts in " + dir.string());
  std::sort(out.begin(), out.end());
  return out;
}

// Ordinary posts: the corpus (English, French, Spanish, emoji), mixtures of corpus posts and
// edge fragments, and posts at the packs' and platforms' limits. Big posts: 60 000 and
// 63 206 characters (Facebook's maximum), one of them dense enough in warnings for the
// answer to be truncated at 1 MiB.
void build_posts(const std::vector<std::string>& corpus, std::mt19937& rng,
                 std::vector<Post>& small, std::vector<Post>& big) {
  auto any = [&](const std::vector<std::string>& v) -> const std::string& {
    return v[rng() % v.size()];
  };
  for (const std::string& t : corpus) small.push_back(make_post(t));
  // Mostly the length of a post on X; one in eight as long as a LinkedIn or Facebook post.
  for (int i = 0; i < 3000; ++i) {
    std::string t;
    const int parts =
        i % 8 == 0 ? 4 + static_cast<int>(rng() % 8) : 1 + static_cast<int>(rng() % 2);
    for (int k = 0; k < parts; ++k) t += rng() % 3 == 0 ? any(kEdges) : any(corpus) + " ";
    small.push_back(make_post(t));
  }
  for (const std::string& t :
       {std::string(), std::string(" "), std::string("👍🏽"), std::string(132, 'a'),
        std::string(133, 'a'), std::string(280, 'a'), std::string(281, 'a'), std::string(3000, 'x'),
        std::string(3001, 'x')}) {
    small.push_back(make_post(t));
  }
  std::string cjk;  // 140 CJK characters weigh 280 on X
  while (utf16_length(cjk) < 140) cjk += "標";
  small.push_back(make_post(cjk));
  small.push_back(make_post(cjk + "標"));
  for (int i = 0; i < 12; ++i) {
    std::string t;
    while (t.size() < 4 * 63206) {
      t += i % 3 == 0 ? any(kEdges) : i % 3 == 1 ? any(corpus) + " " : "top secret ";
    }
    big.push_back(make_post(prefix_utf16(t, i % 2 == 0 ? 60000 : 63206), true));
  }
}

// ---- the host --------------------------------------------------------------------------

struct Host {
  pid_t pid = -1;
  int to = -1;    // its stdin
  int from = -1;  // its stdout
};

Host spawn(const std::string& path, const fs::path& rules, const fs::path& scratch) {
  std::map<std::string, std::string> env = postguard::testing::current_environment();
  env.erase("POSTGUARD_RULES_DIR");
  env.erase("POSTGUARD_LOG_TEXT");
  env["POSTGUARD_DATA_DIR"] = rules.string();
  env["POSTGUARD_LOG_DIR"] = (scratch / "log").string();
  env["XDG_CONFIG_HOME"] = (scratch / "config").string();
  env["XDG_STATE_HOME"] = (scratch / "state").string();
  env["HOME"] = scratch.string();
  const postguard::testing::Spawned s =
      postguard::testing::spawn_with_pipes({path, "chrome-extension://soak/"}, env);
  if (s.error != 0) fail("cannot start " + path + ": " + std::strerror(s.error));
  return Host{s.pid, s.to, s.from};
}

bool write_all(int fd, const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t w = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    done += static_cast<size_t>(w);
  }
  return true;
}

// Reads exactly n bytes; false at EOF or on error.
bool read_all(int fd, char* p, size_t n) {
  while (n > 0) {
    const ssize_t r = ::read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= static_cast<size_t>(r);
  }
  return true;
}

std::string frame(const std::string& payload) {
  const auto n = static_cast<uint32_t>(payload.size());
  std::string f(4, '\0');
  std::memcpy(f.data(), &n, 4);
  return f + payload;
}

bool read_frame(int fd, std::string& payload) {
  uint32_t n = 0;
  if (!read_all(fd, reinterpret_cast<char*>(&n), 4)) return false;
  if (n > kMaxAnswerBytes) fail("answer frame of " + std::to_string(n) + " bytes, over 1 MiB");
  payload.resize(n);
  return read_all(fd, payload.data(), n);
}

struct Memory {
  long rss_kb = 0;
  long hwm_kb = 0;
};

Memory memory_of(pid_t pid) {
  Memory m;
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmRSS:", 0) == 0) m.rss_kb = std::atol(line.c_str() + 6);
    if (line.rfind("VmHWM:", 0) == 0) m.hwm_kb = std::atol(line.c_str() + 6);
  }
  return m;
}

// CPU seconds (user + system) the process has used so far.
double cpu_seconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), {});
  const size_t close = stat.rfind(')');  // the command name may hold spaces
  if (close == std::string::npos) return 0;
  std::istringstream fields(stat.substr(close + 2));
  std::string f;
  double ticks = 0;
  for (int i = 3; fields >> f; ++i) {
    if (i == 14 || i == 15) ticks += std::stod(f);  // utime, stime
    if (i == 15) break;
  }
  return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

int wait_exit(pid_t pid) {
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid) return -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return WIFSIGNALED(status) ? 1000 + WTERMSIG(status) : -2;
}

// ---- requests and answers -------------------------------------------------------------

struct Sent {
  uint32_t post = 0;  // index in the small or big posts
  uint8_t policy = 0;
  bool big = false;
};

// Most ids are integers, one in ten a string: the extension may send either.
json id_of(size_t k) { return k % 10 == 3 ? json("s" + std::to_string(k)) : json(k + 1); }

void check_answer(const std::string& payload, const json& id, const std::string& policy,
                  const Post& post, size_t& warnings, size_t& truncated) {
  const json a = json::parse(payload, nullptr, false);
  auto bad = [&](const std::string& why) {
    fail("answer to id " + id.dump() + " (policy " + policy + "): " + why + ": " +
         payload.substr(0, 300));
  };
  if (a.is_discarded()) bad("not JSON");
  if (!a.is_object() || a.value("id", json()) != id) bad("wrong or missing id");
  if (a.value("type", "") != "result") bad("not a result");
  if (a.value("policy", "") != policy) bad("wrong policy");
  const json& ws = a.at("warnings");
  if (!ws.is_array()) bad("warnings is not an array");
  uint64_t last_start = 0;
  for (const json& w : ws) {
    if (!w.is_object() || !w["rule"].is_string() || !w["start"].is_number_unsigned() ||
        !w["end"].is_number_unsigned() || !w["message"].is_string() || !w["severity"].is_string() ||
        !w["category"].is_string() || !w["clause"].is_string()) {
      bad("malformed warning");
    }
    if (w["rule"].get<std::string>().rfind(policy + ".", 0) != 0) bad("rule of another policy");
    const auto start = w["start"].get<uint64_t>(), end = w["end"].get<uint64_t>();
    if (start >= end || end > post.utf16) bad("span outside the text");
    if (start < last_start) bad("warnings out of order");
    last_start = start;
  }
  warnings += ws.size();
  if (a.contains("truncated")) {
    if (a["truncated"] != true || !a["omitted"].is_number_unsigned() || a["omitted"] == 0) {
      bad("bad truncation fields");
    }
    ++truncated;
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  bool rss_check = true;
  size_t inflight = 32;
  std::vector<std::string> pos;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--no-rss-check") {
      rss_check = false;
    } else if (args[i] == "--inflight" && i + 1 < args.size()) {
      inflight = std::max<size_t>(1, std::stoul(args[++i]));
    } else {
      pos.push_back(args[i]);
    }
  }
  if (pos.size() < 3 || pos.size() > 4) {
    std::fprintf(stderr,
                 "usage: postguard-soak HOST RULES_DIR CORPUS_DIR [N] [--inflight K] "
                 "[--no-rss-check]\n");
    return 2;
  }
  const size_t n = pos.size() == 4 ? std::stoul(pos[3]) : 1000000;
  if (n < 8) fail("N must be at least 8");
  std::signal(SIGPIPE, SIG_IGN);

  std::mt19937 rng(20261121);
  std::vector<Post> small, big;
  build_posts(corpus_texts(pos[2]), rng, small, big);
  const fs::path scratch =
      fs::temp_directory_path() / ("postguard-soak-" + std::to_string(::getpid()));
  fs::remove_all(scratch);
  fs::create_directories(scratch);

  Host host = spawn(pos[0], pos[1], scratch);
  std::string payload;
  if (!write_all(host.to, frame(R"({"id":0,"type":"hello"})")) || !read_frame(host.from, payload)) {
    fail("no answer to hello; host exit " + std::to_string(wait_exit(host.pid)));
  }
  std::vector<std::string> policies;
  const json hello = json::parse(payload);
  for (const json& p : hello.at("policies")) policies.push_back(p.at("id"));
  if (policies.empty()) fail("the host loaded no policy from " + pos[1]);
  const char* kPlatforms[] = {"twitter", "facebook", "linkedin"};
  const char* kRoles[] = {"personal", "official"};

  // Requests are chosen ahead (same seed, same run) so the writer and reader agree on them.
  std::vector<Sent> sent(n);
  if (policies.size() > 255) fail("too many policies");
  for (size_t k = 0; k < n; ++k) {
    Sent& s = sent[k];
    s.big = rng() % 1000 == 0;
    s.post = static_cast<uint32_t>(rng() % (s.big ? big.size() : small.size()));
    s.policy = static_cast<uint8_t>(rng() % policies.size());
  }

  std::mutex mu;
  std::condition_variable cv;
  size_t answered = 0;
  std::thread writer([&] {
    std::mt19937 pick(7);
    for (size_t k = 0; k < n; ++k) {
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return k - answered < inflight; });
      }
      const Sent& s = sent[k];
      const Post& p = (s.big ? big : small)[s.post];
      std::string req =
          "{\"id\":" + id_of(k).dump() + ",\"type\":\"check\",\"policy\":\"" + policies[s.policy] +
          "\",\"platform\":\"" + kPlatforms[pick() % 3] + "\",\"role\":\"" + kRoles[pick() % 2] +
          "\",\"profile\":{\"bioDisclaimer\":" + (pick() % 2 != 0 ? "true" : "false") +
          "},\"text\":" + p.text_json + "}";
      if (!write_all(host.to, frame(req))) return;  // the reader reports why
    }
  });

  struct Sample {
    size_t at;
    Memory m;
  };
  std::vector<Sample> samples;
  const size_t every = std::max<size_t>(1, n / 200);
  size_t warnings = 0, truncated = 0, big_checks = 0;
  const auto t0 = Clock::now();
  for (size_t k = 0; k < n; ++k) {
    if (!read_frame(host.from, payload)) {
      fail("the host stopped answering after " + std::to_string(k) + " checks; exit " +
           std::to_string(wait_exit(host.pid)));
    }
    const Sent& s = sent[k];
    check_answer(payload, id_of(k), policies[s.policy], (s.big ? big : small)[s.post], warnings,
                 truncated);
    big_checks += s.big ? 1 : 0;
    {
      std::lock_guard lock(mu);
      answered = k + 1;
    }
    cv.notify_one();
    if ((k + 1) % every == 0) samples.push_back({k + 1, memory_of(host.pid)});
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  const double host_cpu = cpu_seconds(host.pid), own_cpu = cpu_seconds(::getpid());
  writer.join();

  // The browser goes away in the middle of a frame: the header promises a whole big post,
  // and the body stops inside a multi-byte character.
  const std::string& text = big.front().text_json;
  const std::string whole = frame("{\"id\":\"last\",\"type\":\"check\",\"policy\":\"" +
                                  policies.front() + "\",\"text\":" + text + "}");
  size_t at = whole.size() / 2;
  while (at < whole.size() && (static_cast<unsigned char>(whole[at]) & 0xC0) != 0x80) ++at;
  if (!write_all(host.to, whole.substr(0, at))) fail("the host closed its stdin early");
  ::close(host.to);
  char extra = 0;
  if (read_all(host.from, &extra, 1)) fail("the host wrote after its last answer");
  const int code = wait_exit(host.pid);
  std::string log;
  for (const auto& e : fs::directory_iterator(scratch / "log")) {
    std::ifstream in(e.path());
    log += std::string(std::istreambuf_iterator<char>(in), {});
  }

  std::printf(
      "soak: %zu checks (%zu of 60 000+ characters) in %.1f s: %.0f checks/s, %zu in "
      "flight\n",
      n, big_checks, seconds, static_cast<double>(n) / seconds, inflight);
  std::printf(
      "soak: %zu warnings; %zu answers truncated to 1 MiB; %zu policies; CPU: host %.1f s, "
      "driver %.1f s\n",
      warnings, truncated, policies.size(), host_cpu, own_cpu);
  std::printf("soak: host RSS (MiB) by checks answered:");
  for (size_t i = 0; i < samples.size(); i += std::max<size_t>(1, samples.size() / 10)) {
    std::printf(" %zu:%.1f", samples[i].at, static_cast<double>(samples[i].m.rss_kb) / 1024);
  }
  std::printf(" %zu:%.1f; peak (VmHWM) %.1f\n", samples.back().at,
              static_cast<double>(samples.back().m.rss_kb) / 1024,
              static_cast<double>(samples.back().m.hwm_kb) / 1024);
  bool ok = true;
  if (code != 3) {
    std::printf("soak: FAIL: host exit %d after the pipe closed mid-frame (want 3)\n", code);
    ok = false;
  }
  if (log.find("input ended inside a frame") == std::string::npos) {
    std::printf("soak: FAIL: the log does not record the cut frame\n");
    ok = false;
  }
  long q2 = 0, h2 = 0;
  for (const Sample& s : samples) {
    if (s.at > n / 4 && s.at <= n / 2) q2 = std::max(q2, s.m.rss_kb);
    if (s.at > n / 2) h2 = std::max(h2, s.m.rss_kb);
  }
  const double growth = static_cast<double>(h2 - q2) / 1024;
  std::printf(
      "soak: memory: max RSS of the second half %.1f MiB, of the second quarter %.1f MiB "
      "(growth %.1f MiB, allowed %.0f)%s\n",
      static_cast<double>(h2) / 1024, static_cast<double>(q2) / 1024, growth, kRssSlackMiB,
      rss_check ? "" : " [not checked]");
  if (rss_check && growth > kRssSlackMiB) {
    std::printf("soak: FAIL: memory is not flat\n");
    ok = false;
  }
  fs::remove_all(scratch);
  std::printf("soak: %s\n", ok ? "PASS" : "FAIL");
  return ok ? 0 : 1;
}

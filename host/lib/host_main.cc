#include "host_main.h"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <new>
#include <optional>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>

#include "logging.h"
#include "policy_set.h"
#include "rules_watch.h"

#ifdef _WIN32
#include <fcntl.h>
#include <io.h>
#else
#include <fcntl.h>
#include <unistd.h>
#endif
#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace postguard {

namespace {

// What we answer when even building an error answer failed (out of memory): a literal.
constexpr std::string_view kFallbackAnswer =
    R"({"code":"internal","id":null,"message":"internal error: out of memory","type":"error"})";

// Requests above this size leave their buffer behind after being served; give it back so
// one 60 MiB request does not pin 60 MiB for the rest of the session.
constexpr std::size_t kKeepBufferBytes = std::size_t{1024} * 1024;

constexpr std::size_t kLoggedTextBytes = 4096;

void print_usage() {
  std::printf(
      "postguard-host %s: the Postguard native-messaging host.\n"
      "\n"
      "Browsers start it for the Postguard extension and talk to it over stdin/stdout\n"
      "(32-bit native-endian length + UTF-8 JSON per message). It is not meant to be run\n"
      "by hand; use `postguard check` for the command line.\n"
      "\n"
      "Environment:\n"
      "  POSTGUARD_RULES_DIR   extra rules directory, searched last\n"
      "  POSTGUARD_LOG_DIR     log directory (default: the per-user state directory)\n"
      "  POSTGUARD_LOG_TEXT=1  also log the text of requests (debugging only)\n",
      std::string(host_version()).c_str());
}

// Makes fd 1 useless for stray output and returns a private descriptor for the frames.
// A single printf or std::cout from any library would otherwise corrupt the stream (the
// browser then drops the port with "Error when communicating with the native messaging
// host"); after this such output lands on stderr, which the browser shows to developers.
int take_stdout_for_frames() {
#ifdef _WIN32
  // In the CRT's default text mode a read stops at byte 0x1A and a written 0x0A becomes
  // 0x0D 0x0A, either of which breaks a length prefix; Chrome's pipes come through cmd.exe
  // untouched, so binary mode is all it takes.
  _setmode(_fileno(stdin), _O_BINARY);
  const int frames = _dup(_fileno(stdout));
  if (frames < 0) {
    _setmode(_fileno(stdout), _O_BINARY);
    return _fileno(stdout);
  }
  _setmode(frames, _O_BINARY);
  std::fflush(stdout);
  // A GUI parent may give us no stderr; NUL then takes stray output.
  if (_dup2(_fileno(stderr), _fileno(stdout)) != 0) {
    if (int null = _open("NUL", _O_WRONLY | _O_BINARY); null >= 0) {
      _dup2(null, _fileno(stdout));
      _close(null);
    }
  }
  return frames;
#else
  int frames = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
  if (frames < 0) return STDOUT_FILENO;
  std::fflush(stdout);
  if (fcntl(STDERR_FILENO, F_GETFD) != -1) {
    dup2(STDERR_FILENO, STDOUT_FILENO);
  } else if (int null = open("/dev/null", O_WRONLY | O_CLOEXEC); null >= 0) {
    dup2(null, STDOUT_FILENO);
    close(null);
  }
  return frames;
#endif
}

void log_reply(spdlog::logger& log, const Reply& r, double ms) {
  if (r.error) {
    log.warn("request id={} type={} error={} took={:.3f}ms: {}", r.id,
             r.type.empty() ? "-" : r.type, to_string(*r.error), ms,
             escape_for_log(r.error_message, 512));
  } else if (r.type == "check") {
    log.info(
        "request id={} type=check policy={} text_bytes={} warnings={} omitted={} took={:.3f}ms",
        r.id, r.policy, r.text_bytes, r.warnings, r.omitted, ms);
  } else {
    log.info("request id={} type={} took={:.3f}ms", r.id, r.type, ms);
  }
}

// Every problem as "rules: path:line: message" (rule files, never post text), then one
// summary line.
void log_policies(spdlog::logger& log, std::string_view what, const PolicySet& policies) {
  for (const std::string& e : policies.errors()) log.error("rules: {}", e);
  std::string loaded;
  for (const Policy* p : policies.policies()) {
    if (!loaded.empty()) loaded += ' ';
    loaded += p->info().id + "(" + std::to_string(p->info().rule_count) + ")";
    if (policies.stale(p->info().id)) loaded += "[last good]";
  }
  log.info("{}: {}; rule errors: {}", what, loaded.empty() ? "none" : loaded,
           policies.errors().size());
}

// Before a request: reload edited rules (RulesWatch limits itself to one look a second) and
// log what the reload did.
void look_for_edited_rules(RulesWatch& rules, spdlog::logger& log) {
  const auto t0 = std::chrono::steady_clock::now();
  std::optional<RulesReload> r = rules.poll();
  if (!r) return;
#ifdef __GLIBC__
  // The old packs were just freed; hand their pages back, or every edit of the rules would
  // leave the host a few megabytes bigger for the rest of the browser session.
  malloc_trim(0);
#endif
  const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - t0;
  log.info("rule files changed; reloaded in {:.1f}ms", took.count());
  log_policies(log, "policies now", rules.current());
  for (const std::string& id : r->kept) log.warn("rules: policy {} keeps its last good rules", id);
}

}  // namespace

std::vector<std::filesystem::path> host_rule_dirs() {
  std::vector<std::filesystem::path> dirs = default_rule_dirs();
  if (const char* extra = std::getenv("POSTGUARD_RULES_DIR"); extra != nullptr && *extra != '\0') {
    dirs.emplace_back(extra);
  }
  return dirs;
}

int serve(ByteSource& in, int out_fd, const HostSession& session, spdlog::logger& log,
          const ServeOptions& options) {
  FrameReader reader(in);
  std::string request;
  for (;;) {
    FrameReader::Result got = reader.next(request);
    switch (got) {
      case FrameReader::Result::frame:
        break;
      case FrameReader::Result::eof:
        log.info("stdin closed; exiting");
        return kHostExitOk;
      case FrameReader::Result::too_large:
        log.error("frame of {} bytes is over the {} byte limit; exiting", reader.claimed_length(),
                  kMaxRequestBytes);
        return kHostExitProtocol;
      case FrameReader::Result::truncated:
        log.error("input ended inside a frame (header claimed {} bytes, {} arrived); exiting",
                  reader.claimed_length(), reader.received());
        return kHostExitProtocol;
      case FrameReader::Result::io_error:
        log.error("reading stdin failed; exiting");
        return kHostExitProtocol;
    }

    std::string answer;
    try {
      if (options.before_request) options.before_request();
    } catch (...) {
      // Looking for edited rules must never cost an answer.
    }
    auto start = std::chrono::steady_clock::now();
    try {
      if (options.log_text) {
        log.info("request bytes={} text={}", request.size(),
                 escape_for_log(request, kLoggedTextBytes));
      }
      Reply reply = session.handle(request);
      double ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count();
      log_reply(log, reply, ms);
      answer = std::move(reply.json);
    } catch (...) {
      try {
        log.error("request failed with an exception (out of memory?)");
      } catch (...) {
      }
      answer.clear();
    }
    if (request.capacity() > kKeepBufferBytes) std::string().swap(request);

    WriteResult w =
        answer.empty() ? write_frame(out_fd, kFallbackAnswer) : write_frame(out_fd, answer);
    if (w == WriteResult::too_large) {
      log.error("answer of {} bytes is over the {} byte limit; sent an error instead",
                answer.size(), kMaxAnswerBytes);
      w = write_frame(out_fd, kFallbackAnswer);
    }
    if (w == WriteResult::closed) {
      log.info("stdout closed by the browser; exiting");
      return kHostExitOutputClosed;
    }
    if (w != WriteResult::ok) {
      log.error("writing to stdout failed; exiting");
      return kHostExitOutputClosed;
    }
  }
}

int run_host(int argc, char** argv) {
  try {
    std::string_view first = argc > 1 ? argv[1] : "";
    if (first == "--version") {
      std::printf("postguard-host %s\n", std::string(host_version()).c_str());
      return kHostExitOk;
    }
    if (first == "--help" || first == "-h") {
      print_usage();
      return kHostExitOk;
    }

#ifndef _WIN32
    // The browser may close our stdout before we answer; a write must then fail with EPIPE
    // (and we exit cleanly) instead of the signal killing us mid-log.
    std::signal(SIGPIPE, SIG_IGN);
#endif
    const int out_fd = take_stdout_for_frames();

    HostLog host_log = open_host_log(default_log_dir());
    // Libraries log through spdlog's default logger, which writes to stdout out of the box.
    spdlog::set_default_logger(host_log.logger);
    spdlog::logger& log = *host_log.logger;
    if (!host_log.problem.empty()) {
      // Developers see stderr (Chrome's log, Firefox's Browser Console); users lose nothing.
      std::fprintf(stderr, "postguard-host: running without a log: %s\n", host_log.problem.c_str());
    }

    std::string origin = argc > 1 ? argv[1] : "";
    std::string extension =
        (argc > 2 && std::string_view(argv[2]).rfind("--", 0) != 0) ? argv[2] : "";
    log.info("start postguard-host {} origin=\"{}\"{}", host_version(), escape_for_log(origin, 512),
             extension.empty() ? "" : " extension=" + escape_for_log(extension, 512));
    const bool log_text = log_text_enabled();
    if (log_text) log.warn("POSTGUARD_LOG_TEXT=1: requests' text will be logged");

    std::vector<std::filesystem::path> dirs = host_rule_dirs();
    for (const std::filesystem::path& d : dirs) log.info("rules dir {}", d.string());
    RulesWatch rules(dirs);
    log_policies(log, "policies loaded", rules.current());

    HostSession session(rules.current());
    ServeOptions options{log_text, [&rules, &log] { look_for_edited_rules(rules, log); }};
    FdSource in(0);
    int code = serve(in, out_fd, session, log, options);
    log.info("exit {}", code);
    return code;
  } catch (const std::exception& e) {
    // stderr, not the log: the failure may be in setting the log up.
    std::fprintf(stderr, "postguard-host: fatal: %s\n", e.what());
    return kHostExitFatal;
  } catch (...) {
    return kHostExitFatal;
  }
}

}  // namespace postguard

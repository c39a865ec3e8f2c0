// The `postguard-host` program, which the browser starts for the extension's
// runtime.connectNative(): set-up, rule loading, logging and the request loop over
// stdin/stdout. host/postguard_host_main.cc only calls run_host().
//
//   int main(int argc, char** argv) { return postguard::run_host(argc, argv); }
//
// Arguments, all informational (the browser has already checked the caller against the
// manifest's allowed_origins / allowed_extensions before starting us):
//   Chromium: argv[1] = "chrome-extension://<id>/", on Windows also "--parent-window=<N>"
//   Firefox:  argv[1] = path of the host manifest, argv[2] = the add-on id
// "--version" or "--help" as argv[1] prints to stdout and exits 0 (for installers and
// people; a browser never passes them).
//
// Environment (docs/protocol.md):
//   POSTGUARD_RULES_DIR  a rules directory searched after the built-in ones (its packs win)
//   POSTGUARD_LOG_DIR    where the log goes instead of the per-OS state directory
//   POSTGUARD_LOG_TEXT=1 also log the requests' text (debugging only; off by default)
//   POSTGUARD_DATA_DIR   replaces the installed rules directory (see policy_set.h)
#pragma once

#include <filesystem>
#include <functional>
#include <vector>

#include <spdlog/logger.h>

#include "frame.h"
#include "host_session.h"

namespace postguard {

// Exit codes. The browser ignores them; they are for the log, tests and people.
enum HostExit : int {
  kHostExitOk = 0,            // stdin ended between two frames: the browser closed the port
  kHostExitFatal = 1,         // failed outside any request (a bug or out of memory; see the log)
  kHostExitProtocol = 3,      // a frame over kMaxRequestBytes, input cut mid-frame, read error
  kHostExitOutputClosed = 4,  // writing an answer failed: stdout closed (EPIPE) or broken
};

// The whole program. Never throws.
int run_host(int argc, char** argv);

// The rule directories the host loads: default_rule_dirs(), then $POSTGUARD_RULES_DIR when set.
std::vector<std::filesystem::path> host_rule_dirs();

struct ServeOptions {
  bool log_text = false;  // log each request's bytes (POSTGUARD_LOG_TEXT=1)
  // Runs before each request is handled; run_host looks for edited rules there.
  std::function<void()> before_request;
};

// Reads request frames from `in` and writes one answer frame per request to `out_fd` until
// input ends or fails; returns the HostExit code. Every request gets an answer, whatever
// it holds; only a broken stream (see FrameReader::Result) or a failed write ends the loop.
int serve(ByteSource& in, int out_fd, const HostSession& session, spdlog::logger& log,
          const ServeOptions& options = {});

}  // namespace postguard

// Starts a program the way a browser starts a native-messaging host: its stdin and stdout on
// pipes, and SIGPIPE at its default (fatal) disposition, so that the host's own handling of a
// closed pipe is what gets tested. Shared by the Catch2 host tests and the soak driver.
//
//   auto env = current_environment();
//   env["POSTGUARD_LOG_DIR"] = "/tmp/x";
//   Spawned h = spawn_with_pipes({"/path/postguard-host", "chrome-extension://id/"}, env);
//   if (h.error != 0) ...;  // errno from posix_spawn
//   write(h.to, ...); read(h.from, ...);
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <unistd.h>

#include <cerrno>
#include <map>
#include <string>
#include <vector>

extern char** environ;  // NOLINT(readability-redundant-declaration): POSIX declares it nowhere

namespace postguard::testing {

struct Spawned {
  pid_t pid = -1;
  int to = -1;    // the child's stdin
  int from = -1;  // the child's stdout
  int error = 0;  // errno of pipe2 or posix_spawn; 0 when the child runs
};

inline std::map<std::string, std::string> current_environment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string kv = *e;
    const size_t eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return env;
}

inline Spawned spawn_with_pipes(std::vector<std::string> args,
                                const std::map<std::string, std::string>& env) {
  Spawned h;
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_s;
  env_s.reserve(env.size());
  for (const auto& [k, v] : env) env_s.push_back(k + '=' + v);
  std::vector<char*> envp;
  envp.reserve(env_s.size() + 1);
  for (std::string& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);

  int in[2];
  int out[2];
  if (::pipe2(in, O_CLOEXEC) != 0) {
    h.error = errno;
    return h;
  }
  if (::pipe2(out, O_CLOEXEC) != 0) {
    h.error = errno;
    ::close(in[0]);
    ::close(in[1]);
    return h;
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t fatal;
  sigemptyset(&fatal);
  sigaddset(&fatal, SIGPIPE);
  posix_spawnattr_setsigdefault(&attr, &fatal);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
  h.error = posix_spawn(&h.pid, args[0].c_str(), &fa, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  ::close(in[0]);
  ::close(out[1]);
  if (h.error != 0) {
    ::close(in[1]);
    ::close(out[0]);
    h.pid = -1;
    return h;
  }
  h.to = in[1];
  h.from = out[0];
  return h;
}

}  // namespace postguard::testing

// Test helper: a nats-server child process on 127.0.0.1 and a port of its choosing
// (never any other interface). Ready once its log says so; killed at the end.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace wippy::cluster::testing {

class NatsServer {
 public:
  // The path of nats-server, or "" when it is not installed.
  static std::string binary() {
    for (const char* p : {"/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server"})
      if (access(p, X_OK) == 0) return p;
    return "";
  }
  static constexpr const char* kMissing =
      "nats-server is not installed; scripts/install-deps.sh installs it, and the cluster tests need it";

  // Starts the server (on `port`, or one of its choosing for -1, with `extra`
  // arguments such as --user/--pass); url() is empty when it did not come up.
  explicit NatsServer(std::vector<std::string> extra = {}, int port = -1) {
    std::string bin = binary();
    if (bin.empty()) return;
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(fds[1], 2);
      dup2(fds[1], 1);
      close(fds[0]);
      std::vector<std::string> words = {bin, "-a", "127.0.0.1", "-p", std::to_string(port)};
      words.insert(words.end(), extra.begin(), extra.end());
      std::vector<char*> argv;
      for (std::string& w : words) argv.push_back(w.data());
      argv.push_back(nullptr);
      execv(bin.c_str(), argv.data());
      _exit(127);
    }
    close(fds[1]);
    // Reads the log until the server is ready (or exits: EOF).
    FILE* log = fdopen(fds[0], "r");
    char line[512];
    const std::string kListen = "Listening for client connections on ";
    while (log && std::fgets(line, sizeof line, log)) {
      std::string l = line;
      if (size_t at = l.find(kListen); at != std::string::npos) {
        std::string addr = l.substr(at + kListen.size());
        while (!addr.empty() && (addr.back() == '\n' || addr.back() == '\r')) addr.pop_back();
        address_ = addr;
      }
      if (l.find("Server is ready") != std::string::npos) break;
    }
    // Later log lines are read and dropped until the server exits (a Go program dies
    // writing to a closed pipe, and would block on a full one).
    if (log)
      drain_ = std::thread([log] {
        char rest[512];
        while (std::fgets(rest, sizeof rest, log)) {
        }
        std::fclose(log);
      });
  }
  ~NatsServer() { stop(); }
  NatsServer(const NatsServer&) = delete;
  NatsServer& operator=(const NatsServer&) = delete;

  std::string url() const { return address_.empty() ? "" : "nats://" + address_; }
  // The port it listens on (0 when it did not start).
  int port() const {
    size_t colon = address_.rfind(':');
    return colon == std::string::npos ? 0 : std::atoi(address_.c_str() + colon + 1);
  }
  void stop() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
    if (drain_.joinable()) drain_.join();
  }

 private:
  pid_t pid_ = -1;
  std::string address_;
  std::thread drain_;
};

}  // namespace wippy::cluster::testing

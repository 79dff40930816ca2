// A small HTTP/1.1 server for the wasi:http tests (wasi/, procs/, examples/): one
// thread, poll(2), any number of connections, on 127.0.0.1 at an ephemeral port.
// Routes:
//   /hello            200, x-test: yes, "hello world"
//   /echo             200, x-method, x-length, x-chunked; the request body back
//   /big?n=N          200, N bytes (byte k = k * 7 % 251), content-length
//   /chunked          200, chunked: "alpha" "beta" "gamma"
//   /trailers         200, chunked "body" with trailers x-checksum: 42, x-count: 1
//   /cut              200, content-length 100 but 10 bytes, then the connection ends
//   /redirect         302 to /hello
//   /slow             never answers (until the client goes)
//   /gate?n=N         held until N /gate requests have arrived (all at once, so
//                     they were concurrent), then each gets 200 "gate N"
// Every response closes its connection.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace wippy::test {

class TestHttpServer {
 public:
  TestHttpServer() {
    listen_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listen_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(listen_, 4096) != 0) {
      throw std::runtime_error("test server: cannot listen");
    }
    socklen_t n = sizeof a;
    ::getsockname(listen_, reinterpret_cast<sockaddr*>(&a), &n);
    port_ = ntohs(a.sin_port);
    ::pipe2(stop_, O_CLOEXEC);
    thread_ = std::thread([this] { run(); });
  }
  ~TestHttpServer() {
    ::write(stop_[1], "x", 1);
    thread_.join();
    for (auto& [fd, c] : conns_) ::close(fd);
    ::close(listen_);
    ::close(stop_[0]);
    ::close(stop_[1]);
  }
  uint16_t port() const { return port_; }
  std::string authority() const { return "127.0.0.1:" + std::to_string(port_); }
  // Requests answered so far.
  int answered() const { return answered_.load(); }
  // /gate requests that have arrived so far.
  int gate_arrivals() const { return gate_arrivals_.load(); }
  // Called on the server's thread when the last /gate request of a batch has
  // arrived, before any is answered: the moment all of them are in flight. Set it
  // before the first /gate request.
  void on_gate_full(std::function<void()> f) { on_gate_full_ = std::move(f); }

  // A port on 127.0.0.1 where nothing listens: bound, noted, closed.
  static uint16_t refused_port() {
    int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(s);
    return ntohs(a.sin_port);
  }

  // The threads of this process now (/proc/self/task), for the concurrency tests.
  static size_t thread_count() {
    size_t n = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/task")) n++;
    return n;
  }

  static std::string big_body(size_t n) {
    std::string s(n, '\0');
    for (size_t k = 0; k < n; k++) s[k] = static_cast<char>(k * 7 % 251);
    return s;
  }

 private:
  struct Conn {
    std::string in, out;
    size_t sent = 0;
    bool answering = false;
    bool held = false;  // a /gate request waiting for the others
  };

  // A whole request in `in`: its head and its body (content-length or chunked);
  // false while more is to come.
  static bool parse(const std::string& in, std::string& method, std::string& path, std::string& body, bool& chunked) {
    size_t end = in.find("\r\n\r\n");
    if (end == std::string::npos) return false;
    std::string head = in.substr(0, end + 2);
    size_t sp1 = head.find(' '), sp2 = head.find(' ', sp1 + 1);
    method = head.substr(0, sp1);
    path = head.substr(sp1 + 1, sp2 - sp1 - 1);
    std::string lower = head;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    chunked = lower.find("transfer-encoding: chunked") != std::string::npos;
    size_t at = end + 4;
    if (chunked) {
      body.clear();
      for (;;) {
        size_t line = in.find("\r\n", at);
        if (line == std::string::npos) return false;
        size_t n = std::stoul(in.substr(at, line - at), nullptr, 16);
        if (n == 0) return in.find("\r\n", line + 2) != std::string::npos;
        if (in.size() < line + 2 + n + 2) return false;
        body += in.substr(line + 2, n);
        at = line + 2 + n + 2;
      }
    }
    size_t cl = lower.find("content-length: ");
    size_t len = cl == std::string::npos ? 0 : std::stoul(lower.substr(cl + 16));
    if (in.size() < at + len) return false;
    body = in.substr(at, len);
    return true;
  }

  static std::string response(const std::string& status, const std::string& headers, const std::string& body) {
    return "HTTP/1.1 " + status + "\r\nconnection: close\r\ncontent-length: " + std::to_string(body.size()) + "\r\n" +
           headers + "\r\n" + body;
  }

  static std::string answer(const std::string& method, const std::string& path, const std::string& body, bool chunked) {
    if (path == "/hello") return response("200 OK", "x-test: yes\r\n", "hello world");
    if (path == "/echo") {
      return response("200 OK",
                      "x-method: " + method + "\r\nx-length: " + std::to_string(body.size()) +
                          "\r\nx-chunked: " + (chunked ? "yes" : "no") + "\r\n",
                      body);
    }
    if (path.rfind("/big?n=", 0) == 0) return response("200 OK", "", big_body(std::stoul(path.substr(7))));
    if (path == "/chunked") {
      return "HTTP/1.1 200 OK\r\nconnection: close\r\ntransfer-encoding: chunked\r\nx-test: chunked\r\n\r\n"
             "5\r\nalpha\r\n4\r\nbeta\r\n5\r\ngamma\r\n0\r\n\r\n";
    }
    if (path == "/trailers") {
      return "HTTP/1.1 200 OK\r\nconnection: close\r\ntransfer-encoding: chunked\r\ntrailer: x-checksum, x-count\r\n\r\n"
             "4\r\nbody\r\n0\r\nx-checksum: 42\r\nx-count: 1\r\n\r\n";
    }
    if (path == "/cut") return "HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 100\r\n\r\n0123456789";
    if (path == "/redirect") return response("302 Found", "location: /hello\r\n", "");
    return response("404 Not Found", "", "");
  }

  void run() {
    for (;;) {
      std::vector<pollfd> fds{{stop_[0], POLLIN, 0}, {listen_, POLLIN, 0}};
      for (auto& [fd, c] : conns_) fds.push_back({fd, static_cast<short>(c.answering ? POLLOUT : POLLIN), 0});
      ::poll(fds.data(), fds.size(), -1);
      if (fds[0].revents) return;
      if (fds[1].revents & POLLIN) {
        int fd = ::accept4(listen_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) conns_[fd] = Conn{};
      }
      for (size_t k = 2; k < fds.size(); k++) {
        if (!fds[k].revents) continue;
        int fd = fds[k].fd;
        Conn& c = conns_[fd];
        if (!c.answering) {
          char buf[65536];
          ssize_t n = ::read(fd, buf, sizeof buf);
          if (n <= 0) {
            close_conn(fd);
            continue;
          }
          c.in.append(buf, static_cast<size_t>(n));
          std::string method, path, body;
          bool chunked = false;
          if (!parse(c.in, method, path, body, chunked) || path == "/slow" || c.held) continue;
          if (path.rfind("/gate?n=", 0) == 0) {
            hold(fd, std::stoi(path.substr(8)));
            continue;
          }
          reply(c, answer(method, path, body, chunked));
        } else {
          ssize_t n = ::write(fd, c.out.data() + c.sent, c.out.size() - c.sent);
          if (n < 0) {
            close_conn(fd);
            continue;
          }
          c.sent += static_cast<size_t>(n);
          if (c.sent == c.out.size()) close_conn(fd);
        }
      }
    }
  }

  void reply(Conn& c, std::string out) {
    c.out = std::move(out);
    c.answering = true;
    answered_++;
  }

  // A /gate request: held; the n-th releases them all.
  void hold(int fd, int n) {
    conns_[fd].held = true;
    held_.push_back(fd);
    if (++gate_arrivals_ < n) return;
    if (on_gate_full_) on_gate_full_();
    for (int h : held_) reply(conns_[h], response("200 OK", "", "gate " + std::to_string(n)));
    held_.clear();
  }

  void close_conn(int fd) {
    ::close(fd);
    conns_.erase(fd);
    std::erase(held_, fd);
  }

  int listen_ = -1;
  int stop_[2] = {-1, -1};
  uint16_t port_ = 0;
  std::map<int, Conn> conns_;
  std::vector<int> held_;
  std::function<void()> on_gate_full_;
  std::atomic<int> answered_{0}, gate_arrivals_{0};
  std::thread thread_;
};

}  // namespace wippy::test

// Internal to wasi/: streams and pollables that are neither stdio nor files (an HTTP
// body, a socket). Their owner (p2_http*.cpp, p2_sockets*.cpp) implements
// HostStream; wasi:io/streams and wasi:io/poll (p2_io.cpp) only call these
// non-blocking methods, and wait for `wait_fd` through a BlockingOp (the process
// suspends, no thread waits).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "component/value.h"

namespace wippy::wasi::p2 {

// Something a pollable can wait for.
class HostWaitable {
 public:
  virtual ~HostWaitable() = default;
  // Whether a read (or, if `write`, a write) would make progress now: data, room,
  // end of stream or an error. Never blocks.
  virtual bool ready(bool write) = 0;
  // A host descriptor that becomes readable (or writable, see wait_fd_writes) when
  // ready(write) may have become true; -1: none (then ready() must be true).
  virtual int wait_fd(bool write) = 0;
  // Whether wait_fd(write) is waited on for writability (a socket being written);
  // false: for readability (a socket being read, an event descriptor).
  virtual bool wait_fd_writes(bool write) { return write; }
};

// What a non-blocking read gives: bytes (empty: none yet), the end, or a failure.
struct HostRead {
  std::string bytes;
  bool closed = false;
  std::optional<std::string> error;
};

// An input-stream, output-stream or both, implemented by its owner.
class HostStream : public HostWaitable {
 public:
  // At most `max` bytes that are there now.
  virtual HostRead read(size_t /*max*/) { return {{}, false, std::string("not a readable stream")}; }
  // After a failed read or write: what a typed query of the error gives (wasi:http's
  // http-error-code), if anything.
  virtual std::optional<component::Value> error_cause() { return std::nullopt; }
  // How many bytes write() accepts now (check-write); 0: wait for ready(true).
  // An error: the stream failed (or was closed) and accepts no more.
  virtual uint64_t write_room(std::optional<std::string>& error) {
    error = "not a writable stream";
    return 0;
  }
  // Takes `data` (at most write_room() bytes); an error message on failure.
  virtual std::optional<std::string> write(std::string_view /*data*/) { return std::string("not a writable stream"); }
  // Whether all written bytes have left the host's buffer (blocking-flush waits).
  virtual bool flushed() { return true; }
};

// A level-triggered event descriptor for owners whose readiness changes on another
// thread (an HTTP transfer): notify() from any thread makes fd() readable until
// clear(). Check the state after clear(), so a notify between the two is not lost.
class ReadySignal {
 public:
  ReadySignal();
  ~ReadySignal();
  ReadySignal(const ReadySignal&) = delete;
  ReadySignal& operator=(const ReadySignal&) = delete;
  int fd() const { return fd_; }
  void notify();
  void clear();

 private:
  int fd_ = -1;
};

}  // namespace wippy::wasi::p2

// ReadySignal: an eventfd that another thread makes readable (p2_host_stream.h).
#include "wasi/p2_host_stream.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "component/error.h"

namespace wippy::wasi::p2 {

ReadySignal::ReadySignal() : fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  // Out of descriptors: the call that made the stream traps, the host goes on.
  if (fd_ < 0) throw component::CallError(std::string("cannot make a readiness descriptor: ") + std::strerror(errno));
}

ReadySignal::~ReadySignal() { ::close(fd_); }

void ReadySignal::notify() {
  uint64_t one = 1;
  // EAGAIN (the counter is full) leaves it readable, which is all notify promises.
  [[maybe_unused]] ssize_t n = ::write(fd_, &one, sizeof one);
}

void ReadySignal::clear() {
  uint64_t count = 0;
  [[maybe_unused]] ssize_t n = ::read(fd_, &count, sizeof count);
}

}  // namespace wippy::wasi::p2

// ReadySignal (p2_host_stream.h): what host streams' pollables wait on when their
// readiness changes on another thread.
#include <gtest/gtest.h>

#include <thread>

#include "wasi/p2_host.h"

namespace wippy::wasi::p2 {
namespace {

TEST(ReadySignal, NotifyMakesReadableUntilCleared) {
  ReadySignal s;
  EXPECT_FALSE(fd_ready(s.fd(), false));
  s.notify();
  s.notify();
  EXPECT_TRUE(fd_ready(s.fd(), false));
  s.clear();
  EXPECT_FALSE(fd_ready(s.fd(), false));
}

TEST(ReadySignal, NotifyFromAnotherThreadEndsAWait) {
  ReadySignal s;
  std::thread t([&] { s.notify(); });
  wait_for_fds({{s.fd(), false}}, std::nullopt);  // returns only once notified
  t.join();
  EXPECT_TRUE(fd_ready(s.fd(), false));
}

}  // namespace
}  // namespace wippy::wasi::p2

// Hostile or unlucky I/O (issue 10): FIFOs and devices in a mount never block the
// calling thread inside a host call, an fd_read / fd_write moves a bounded number of
// bytes whatever its iovecs add up to, and a line sink keeps bounded memory.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <string>
#include <vector>

#include "wasi/host.h"
#include "wasi/pending.h"
#include "wasi/tests/fs_util.h"

namespace wasi = wippy::wasi;
namespace engine = wippy::engine;
using namespace wippy::wasi::test;
using namespace std::chrono_literals;

namespace {

constexpr uint32_t kEagain = 6, kEnxio = 60;
constexpr uint64_t kRightRead = 2, kRightSeek = 4, kRightWrite = 64, kRightPoll = 1 << 27;
constexpr uint32_t kFdflagNonblock = 4;
// A generous guard: these calls must return at once; the guard only turns a hang
// into a failure.
constexpr auto kGuard = 20s;

// Runs `call` on another thread; if it has not returned within kGuard, runs `unblock`
// (so that the thread can finish) and fails.
template <class F, class U>
uint32_t returns_promptly(F call, U unblock) {
  std::future<uint32_t> f = std::async(std::launch::async, call);
  if (f.wait_for(kGuard) != std::future_status::ready) {
    ADD_FAILURE() << "the host call blocked its thread";
    unblock();
  }
  return f.get();
}

struct FifoDir {
  TempDir dir;
  std::string path = dir.str("fifo");
  FifoDir() { EXPECT_EQ(::mkfifo(path.c_str(), 0600), 0); }
};

}  // namespace

TEST(HostileIo, FifoWithNoWriterOpensAtOnceAndReadsAsEndOfFile) {
  FifoDir f;
  Probe p({{f.dir.str(), "/d", false}});
  uint32_t fd = 0;
  uint32_t e = returns_promptly([&] { return p.open(3, "fifo", 0, kRightRead, 1, 0, &fd); },
                                [&] { ::close(::open(f.path.c_str(), O_WRONLY | O_NONBLOCK)); });
  ASSERT_EQ(e, kOk);
  EXPECT_EQ(p.call("fd_fdstat_get", {fd, 200}), kOk);
  EXPECT_EQ(p.mem()[200], 0) << "a FIFO has no preview1 filetype of its own: unknown";
  EXPECT_EQ(p.u32(202) & 0xffff, 0u) << "O_NONBLOCK on the host is not the guest's flag";
  p.put32(300, 400);
  p.put32(304, 16);
  EXPECT_EQ(p.call("fd_read", {fd, 300, 1, 310}), kOk);
  EXPECT_EQ(p.u32(310), 0u);
}

TEST(HostileIo, FifoWithNoReaderRefusesWritingWithEnxio) {
  FifoDir f;
  Probe p({{f.dir.str(), "/d", false}});
  uint32_t e = returns_promptly([&] { return p.open(3, "fifo", 0, kRightWrite); },
                                [&] { ::close(::open(f.path.c_str(), O_RDONLY | O_NONBLOCK)); });
  EXPECT_EQ(e, kEnxio);
}

TEST(HostileIo, EmptyFifoReadSuspendsOnTheDescriptorOrFailsWithEagain) {
  FifoDir f;
  int writer = ::open(f.path.c_str(), O_RDWR | O_NONBLOCK);  // a writer that writes nothing yet
  ASSERT_GE(writer, 0);
  Probe p({{f.dir.str(), "/d", false}});
  uint32_t nb = 0, fd = 0;
  ASSERT_EQ(p.open(3, "fifo", 0, kRightRead, 1, kFdflagNonblock, &nb), kOk);
  ASSERT_EQ(p.open(3, "fifo", 0, kRightRead, 1, 0, &fd), kOk);
  p.put32(300, 400);
  p.put32(304, 16);
  EXPECT_EQ(p.call("fd_read", {nb, 300, 1, 310}), kEagain) << "the guest asked for O_NONBLOCK";
  EXPECT_EQ(p.call("fd_fdstat_get", {nb, 200}), kOk);
  EXPECT_EQ(p.u32(202) & 0xffff, kFdflagNonblock);

  // Without O_NONBLOCK the call suspends (it does not wait in the host function) with
  // the descriptor to wait for and no work that could block.
  auto ex = p.inst->call("fd_read", std::vector<uint64_t>{fd, 300, 1, 310});
  uint32_t st = returns_promptly([&] { return static_cast<uint32_t>(ex->run(INT64_MAX)); },
                                 [&] { (void)!::write(writer, "!", 1); });
  ASSERT_EQ(st, static_cast<uint32_t>(engine::RunStatus::Suspended));
  auto pending = ex->take_pending();
  auto* op = dynamic_cast<wasi::BlockingOp*>(pending.get());
  ASSERT_NE(op, nullptr);
  ASSERT_EQ(op->fd_waits.size(), 1u);
  EXPECT_FALSE(op->fd_waits[0].write);
  EXPECT_FALSE(op->deadline);
  ASSERT_EQ(::write(writer, "hi", 2), 2);
  ex->resume(op->run_here());
  ASSERT_EQ(ex->run(INT64_MAX), engine::RunStatus::Done);
  EXPECT_EQ(ex->results()[0], kOk);
  EXPECT_EQ(p.u32(310), 2u);
  EXPECT_EQ(p.str(400, 2), "hi");
  ::close(writer);
}

TEST(HostileIo, PollOneoffWaitsForAFifoLikeForAClock) {
  FifoDir f;
  int writer = ::open(f.path.c_str(), O_RDWR | O_NONBLOCK);
  ASSERT_GE(writer, 0);
  Probe p({{f.dir.str(), "/d", false}});
  uint32_t fd = 0;
  ASSERT_EQ(p.open(3, "fifo", 0, kRightRead | kRightPoll, 1, 0, &fd), kOk);
  // Three fd_read subscriptions of the FIFO (userdata 7, 8, 9; tag 1; fd).
  constexpr uint32_t kSubs = 1000, kEvents = 1200, kN = 1400;
  std::memset(p.mem() + kSubs, 0, 3 * 48);
  for (uint32_t i = 0; i < 3; i++) {
    p.put64(kSubs + 48 * i, 7 + i);
    p.mem()[kSubs + 48 * i + 8] = 1;
    p.put32(kSubs + 48 * i + 16, fd);
  }
  auto ex = p.inst->call("poll_oneoff", std::vector<uint64_t>{kSubs, kEvents, 3, kN});
  ASSERT_EQ(ex->run(INT64_MAX), engine::RunStatus::Suspended);
  auto pending = ex->take_pending();
  auto* op = dynamic_cast<wasi::BlockingOp*>(pending.get());
  ASSERT_NE(op, nullptr);
  ASSERT_EQ(op->fd_waits.size(), 1u) << "one wait (one host descriptor) per descriptor";
  EXPECT_FALSE(op->work) << "nothing that could block runs on a thread";
  ASSERT_EQ(::write(writer, "x", 1), 1);
  ex->resume(op->run_here());
  ASSERT_EQ(ex->run(INT64_MAX), engine::RunStatus::Done);
  EXPECT_EQ(ex->results()[0], kOk);
  EXPECT_EQ(p.u32(kN), 3u);
  for (uint32_t i = 0; i < 3; i++) EXPECT_EQ(p.u64(kEvents + 32 * i), 7u + i);
  ::close(writer);
}

TEST(HostileIo, TooManyPollSubscriptionsIsEinval) {
  TempDir d;
  Probe p({{d.str(), "/d", false}});
  // kMaxPollSubscriptions relative monotonic clocks of 0 ns are all ready at once.
  constexpr uint32_t kSubs = 0, kEvents = 60000, kN = 100000, kMax = wippy::wasi::detail::kMaxPollSubscriptions;
  std::memset(p.mem() + kSubs, 0, 48 * (kMax + 1));
  for (uint32_t i = 0; i <= kMax; i++) {
    p.put64(kSubs + 48 * i, i);
    p.put32(kSubs + 48 * i + 16, 1);
  }
  EXPECT_EQ(p.call("poll_oneoff", {kSubs, kEvents, kMax + 1, kN}), kEinval);
  EXPECT_EQ(p.call("poll_oneoff", {kSubs, kEvents, kMax, kN}), kOk);
  EXPECT_EQ(p.u32(kN), kMax);
}

TEST(HostileIo, TooManyIovecsIsEinval) {
  TempDir d;
  Probe p({{d.str(), "/d", false}});
  std::memset(p.mem(), 0, 8 * 16000);  // zero-length iovecs
  EXPECT_EQ(p.call("fd_write", {1, 0, 1024, 130000}), kOk);
  EXPECT_EQ(p.call("fd_write", {1, 0, 1025, 130000}), kEinval);
  EXPECT_EQ(p.call("fd_write", {1, 0, 16000, 130000}), kEinval);
  EXPECT_EQ(p.call("fd_read", {0, 0, 1025, 130000}), kEinval);
}

// 1024 iovecs at kIovs, all over the same 64 KiB (64 MiB in all, in a 128 KiB
// memory); the probe's own scratch space is below.
constexpr uint32_t kIovs = 16384, kCount = 30000;
void same_memory_iovecs(Probe& p) {
  for (uint32_t i = 0; i < 1024; i++) {
    p.put32(kIovs + 8 * i, 65536);
    p.put32(kIovs + 8 * i + 4, 65536);
  }
}

TEST(HostileIo, OverlappingIovecsMoveAtMostOneMiBPerCall) {
  TempDir d;
  write_file(d.path() / "big", std::string(3 << 20, 'r'));
  Probe p({{d.str(), "/d", false}});
  same_memory_iovecs(p);
  std::memset(p.mem() + 65536, 'w', 65536);

  EXPECT_EQ(p.call("fd_write", {1, kIovs, 1024, kCount}), kOk);
  EXPECT_EQ(p.u32(kCount), 1u << 20);
  EXPECT_EQ(p.out.size(), 1u << 20);

  uint32_t out = 0, in = 0;
  ASSERT_EQ(p.open(3, "out", 1 /* creat */, kRightWrite, 1, 0, &out), kOk);
  EXPECT_EQ(p.call("fd_write", {out, kIovs, 1024, kCount}), kOk);
  EXPECT_EQ(p.u32(kCount), 1u << 20);
  EXPECT_EQ(fs::file_size(d.path() / "out"), 1u << 20);

  ASSERT_EQ(p.open(3, "big", 0, kRightRead | kRightSeek, 1, 0, &in), kOk);
  EXPECT_EQ(p.call("fd_read", {in, kIovs, 1024, kCount}), kOk);
  EXPECT_EQ(p.u32(kCount), 1u << 20);
  EXPECT_EQ(p.mem()[65536], 'r');
  EXPECT_EQ(p.call("fd_pread", {in, kIovs, 1024, 0, kCount}), kOk);
  EXPECT_EQ(p.u32(kCount), 1u << 20);
}

TEST(HostileIo, DeviceReadsAreNonBlockingAndBounded) {
  Probe p({{"/dev", "/dev", true}});
  same_memory_iovecs(p);
  uint32_t fd = 0;
  ASSERT_EQ(p.open(3, "zero", 0, kRightRead, 1, 0, &fd), kOk);
  p.mem()[65536] = 1;
  EXPECT_EQ(p.call("fd_read", {fd, kIovs, 1024, kCount}), kOk);
  EXPECT_EQ(p.u32(kCount), 1u << 20);
  EXPECT_EQ(p.mem()[65536], 0);
}

TEST(HostileIo, LineSinkCutsLinesWithoutNewlineAtTheCap) {
  std::vector<std::string> lines;
  {
    wasi::OutputSink sink = wasi::line_sink("> ", [&](std::string_view l) { lines.emplace_back(l); });
    std::string chunk(1000, 'a');
    for (int i = 0; i < 200; i++) ASSERT_TRUE(sink(chunk));
    ASSERT_EQ(lines.size(), 3u) << "the buffer never grows past the cap";
    ASSERT_TRUE(sink("b\nc"));
  }
  ASSERT_EQ(lines.size(), 5u);
  for (size_t i = 0; i < 3; i++) EXPECT_EQ(lines[i], "> " + std::string(wasi::kMaxLineBytes, 'a'));
  EXPECT_EQ(lines[3], "> " + std::string(200000 - 3 * wasi::kMaxLineBytes, 'a') + "b");
  EXPECT_EQ(lines[4], "> c") << "the partial last line, when the sink goes";
}

TEST(HostileIo, LineSinkSplitsAnOverlongLineInOneWrite) {
  std::vector<std::string> lines;
  wasi::OutputSink sink = wasi::line_sink("", [&](std::string_view l) { lines.emplace_back(l); });
  std::string big(2 * wasi::kMaxLineBytes + 5, 'x');
  ASSERT_TRUE(sink("ab\n" + big + "\nz\n"));
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[0], "ab");
  EXPECT_EQ(lines[1].size(), wasi::kMaxLineBytes);
  EXPECT_EQ(lines[2].size(), wasi::kMaxLineBytes);
  EXPECT_EQ(lines[3], "xxxxx");
  EXPECT_EQ(lines[4], "z");
}

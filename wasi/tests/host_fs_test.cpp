// preview1 file-system, poll and misc functions called with chosen arguments: layouts
// (dirent, prestat, fdstat, events), cookies, errno values, import groups.
#include <thread>

#include "wasi/groups.h"
#include "wasi/pending.h"
#include "wasi/tests/fs_util.h"

namespace wippy::wasi::test {
namespace {

TEST(HostFs, PrestatAndDirName) {
  TempDir a, b;
  Probe p({{a.str(), "/data", false}, {b.str(), "/cfg/etc", true}});
  EXPECT_EQ(p.call("fd_prestat_get", {3, 100}), kOk);
  EXPECT_EQ(p.mem()[100], 0);  // tag: dir
  EXPECT_EQ(p.u32(104), 5u);
  EXPECT_EQ(p.call("fd_prestat_dir_name", {3, 200, 5}), kOk);
  EXPECT_EQ(p.str(200, 5), "/data");
  EXPECT_EQ(p.call("fd_prestat_get", {4, 100}), kOk);
  EXPECT_EQ(p.u32(104), 8u);
  EXPECT_EQ(p.call("fd_prestat_dir_name", {4, 200, 3}), kEnametoolong);
  EXPECT_EQ(p.call("fd_prestat_get", {5, 100}), kEbadf);
  EXPECT_EQ(p.call("fd_prestat_get", {0, 100}), kEbadf);
  EXPECT_EQ(p.call("fd_prestat_get", {3, 70000000}), kEfault);
}

TEST(HostFs, ReaddirLayoutAndCookies) {
  TempDir d;
  write_file(d.path() / "alpha", "1");
  fs::create_directory(d.path() / "beta");
  fs::create_symlink("alpha", d.path() / "gamma");
  Probe p({{d.str(), "/d", false}});
  // Read everything with a large buffer.
  EXPECT_EQ(p.call("fd_readdir", {3, 1000, 4000, 0, 900}), kOk);
  uint32_t used = p.u32(900);
  std::map<std::string, std::pair<uint8_t, uint64_t>> seen;  // name -> type, d_next
  std::vector<uint64_t> nexts;
  for (uint32_t at = 1000; at < 1000 + used;) {
    uint64_t next = p.u64(at);
    uint32_t namlen = p.u32(at + 16);
    uint8_t type = p.mem()[at + 20];
    std::string name = p.str(at + 24, namlen);
    seen[name] = {type, next};
    nexts.push_back(next);
    at += 24 + namlen;
  }
  ASSERT_EQ(seen.size(), 5u);
  EXPECT_EQ(seen["."].first, 3);
  EXPECT_EQ(seen[".."].first, 3);
  EXPECT_EQ(seen["alpha"].first, 4);
  EXPECT_EQ(seen["beta"].first, 3);
  EXPECT_EQ(seen["gamma"].first, 7);
  for (size_t i = 0; i < nexts.size(); i++) EXPECT_EQ(nexts[i], i + 1);
  // Resuming at a cookie gives the rest; a small buffer is filled exactly and cut.
  EXPECT_EQ(p.call("fd_readdir", {3, 1000, 4000, 3, 900}), kOk);
  uint32_t rest = p.u32(900);
  EXPECT_GT(rest, 0u);
  EXPECT_LT(rest, used);
  EXPECT_EQ(p.call("fd_readdir", {3, 1000, 30, 0, 900}), kOk);
  EXPECT_EQ(p.u32(900), 30u);
  EXPECT_EQ(p.call("fd_readdir", {3, 1000, 4000, 99, 900}), kOk);
  EXPECT_EQ(p.u32(900), 0u);
  EXPECT_EQ(p.call("fd_readdir", {1, 1000, 4000, 0, 900}), kEnotdir);
  EXPECT_EQ(p.call("fd_readdir", {9, 1000, 4000, 0, 900}), kEbadf);
}

TEST(HostFs, OpenReadWriteSeekStatRenumber) {
  TempDir d;
  Probe p({{d.str(), "/d", false}});
  uint32_t fd;
  // read, write, seek, filestat_get, filestat_set_size
  ASSERT_EQ(p.open(3, "f.txt", 1 /*creat*/, 2 | 64 | 4 | (1 << 21) | (1 << 22), 1, 0, &fd), kOk);
  p.put32(300, 400);  // iovec: buf 400, len 5
  p.put32(304, 5);
  std::memcpy(p.mem() + 400, "hello", 5);
  EXPECT_EQ(p.call("fd_write", {fd, 300, 1, 310}), kOk);
  EXPECT_EQ(p.u32(310), 5u);
  EXPECT_EQ(p.call("fd_seek", {fd, static_cast<uint64_t>(-2), 1, 320}), kOk);
  EXPECT_EQ(p.u64(320), 3u);
  EXPECT_EQ(p.call("fd_seek", {fd, 0, 3, 320}), kEinval);
  EXPECT_EQ(p.call("fd_pread", {fd, 300, 1, 1, 310}), kOk);
  EXPECT_EQ(p.u32(310), 4u);
  EXPECT_EQ(p.str(400, 4), "ello");
  EXPECT_EQ(p.call("fd_fdstat_get", {fd, 500}), kOk);
  EXPECT_EQ(p.mem()[500], 4);  // regular file
  EXPECT_NE(p.u64(508) & 64, 0u);
  EXPECT_EQ(p.call("fd_filestat_get", {fd, 600}), kOk);
  EXPECT_EQ(p.mem()[616], 4);
  EXPECT_EQ(p.u64(632), 5u);  // size
  EXPECT_EQ(p.call("fd_filestat_set_size", {fd, 2}), kOk);
  EXPECT_EQ(read_file(d.path() / "f.txt"), "he");
  // Rights only shrink.
  EXPECT_EQ(p.call("fd_fdstat_set_rights", {fd, 2, 0}), kOk);
  EXPECT_EQ(p.call("fd_fdstat_set_rights", {fd, 2 | 64, 0}), kEnotcapable);
  // Renumber onto stdout and close.
  EXPECT_EQ(p.call("fd_renumber", {fd, 1}), kOk);
  EXPECT_EQ(p.call("fd_fdstat_get", {fd, 500}), kEbadf);
  EXPECT_EQ(p.call("fd_fdstat_get", {1, 500}), kOk);
  EXPECT_EQ(p.mem()[500], 4);
  EXPECT_EQ(p.call("fd_close", {1}), kOk);
  EXPECT_EQ(p.call("fd_close", {1}), kEbadf);
  EXPECT_EQ(p.call("fd_seek", {0, 0, 0, 320}), kEspipe);
}

TEST(HostFs, PollClockAndFdSubscriptions) {
  Probe p({});
  // Subscription 0: clock, relative 30 ms; subscription 1 at 48: fd_write on stdout.
  auto clock_sub = [&](uint32_t at, uint64_t userdata, uint32_t id, uint64_t timeout_ns, uint16_t flags) {
    std::memset(p.mem() + at, 0, 48);
    p.put64(at, userdata);
    p.mem()[at + 8] = 0;
    p.put32(at + 16, id);
    p.put64(at + 24, timeout_ns);
    std::memcpy(p.mem() + at + 40, &flags, 2);
  };
  clock_sub(0, 11, 1, 30'000'000, 0);
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(p.call("poll_oneoff", {0, 1000, 1, 2000}), kOk);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(30));
  EXPECT_EQ(p.u32(2000), 1u);
  EXPECT_EQ(p.u64(1000), 11u);
  EXPECT_EQ(p.mem()[1010], 0);  // type clock
  // An fd subscription that is ready wins over a long clock.
  clock_sub(0, 11, 1, 10'000'000'000ull, 0);
  std::memset(p.mem() + 48, 0, 48);
  p.put64(48, 22);
  p.mem()[56] = 2;  // fd_write
  p.put32(64, 1);
  t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(p.call("poll_oneoff", {0, 1000, 2, 2000}), kOk);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(1000));
  EXPECT_EQ(p.u32(2000), 1u);
  EXPECT_EQ(p.u64(1000), 22u);
  EXPECT_EQ(p.mem()[1010], 2);
  // An absolute realtime deadline in the past fires at once; a bad fd reports EBADF;
  // an unknown clock EINVAL; no subscriptions is EINVAL.
  clock_sub(0, 33, 0, 1, 1);
  p.put32(64, 77);
  EXPECT_EQ(p.call("poll_oneoff", {0, 1000, 2, 2000}), kOk);
  EXPECT_EQ(p.u32(2000), 2u);
  clock_sub(0, 44, 9, 1, 0);
  EXPECT_EQ(p.call("poll_oneoff", {0, 1000, 1, 2000}), kOk);
  EXPECT_EQ(p.u32(2000), 1u);
  EXPECT_EQ(p.mem()[1008], kEinval);
  EXPECT_EQ(p.call("poll_oneoff", {0, 1000, 0, 2000}), kEinval);
  EXPECT_EQ(p.call("poll_oneoff", {0, 140000, 1, 2000}), kEfault);
}

TEST(HostFs, YieldSocketsRaise) {
  Probe p({});
  EXPECT_EQ(p.call("sched_yield", {}), kOk);
  EXPECT_EQ(p.call("sock_accept", {1, 0, 100}), kEnotsup);
  EXPECT_EQ(p.call("sock_accept", {42, 0, 100}), kEbadf);
  EXPECT_EQ(p.call("proc_raise", {9}), kEnosys);
}

TEST(HostFs, SuspendingOpsCarryTheirWork) {
  // Below the driver: a large read suspends with a BlockingOp whose finish() stores
  // the result; sched_yield suspends with an empty one.
  TempDir d;
  write_file(d.path() / "big", std::string(100 * 1024, 'x'));
  Probe p({{d.str(), "/d", false}});
  uint32_t fd;
  ASSERT_EQ(p.open(3, "big", 0, 2, 1, 0, &fd), kOk);
  p.put32(300, 8192);
  p.put32(304, 100 * 1024);
  std::vector<uint64_t> args{fd, 300, 1, 310};
  auto ex = p.inst->call("fd_read", args);
  ASSERT_EQ(ex->run(INT64_MAX), engine::RunStatus::Suspended);
  auto pending = ex->take_pending();
  auto* op = dynamic_cast<BlockingOp*>(pending.get());
  ASSERT_NE(op, nullptr);
  EXPECT_FALSE(op->yield_only());
  std::thread([op] { op->work(); }).join();  // off the guest's thread
  std::vector<uint64_t> r = op->finish();
  ex->resume(r);
  ASSERT_EQ(ex->run(INT64_MAX), engine::RunStatus::Done);
  EXPECT_EQ(ex->results()[0], 0u);
  EXPECT_EQ(p.u32(310), 100u * 1024);
  EXPECT_EQ(p.str(8192, 3), "xxx");
  auto y = p.inst->call("sched_yield", std::vector<uint64_t>{});
  ASSERT_EQ(y->run(INT64_MAX), engine::RunStatus::Suspended);
  auto yp = y->take_pending();
  EXPECT_TRUE(dynamic_cast<BlockingOp*>(yp.get())->yield_only());
}

TEST(Groups, EveryPreview1FunctionHasAGroupAndMasksSelect) {
  EXPECT_EQ(preview1_functions().size(), 46u);
  for (const Preview1Func& f : preview1_functions()) EXPECT_FALSE(groups_for(f.name).empty()) << f.name;
  EXPECT_TRUE(groups_for("no_such").empty());
  EXPECT_EQ(groups_for("fd_write").size(), 3u);  // stdio, streams, files
  EXPECT_EQ(groups_for("path_open"), std::vector<Group>{Group::Filesystem});
  engine::Linker linker;
  WasiContext ctx;
  add_to_linker(linker, ctx, group_bit(Group::Random) | group_bit(Group::Clocks));
  EXPECT_TRUE(linker.has(kModuleName, "random_get"));
  EXPECT_TRUE(linker.has(kModuleName, "clock_time_get"));
  EXPECT_FALSE(linker.has(kModuleName, "fd_write"));
  EXPECT_FALSE(linker.has(kModuleName, "path_open"));
  EXPECT_FALSE(linker.has(kModuleName, "poll_oneoff"));
}

}  // namespace
}  // namespace wippy::wasi::test

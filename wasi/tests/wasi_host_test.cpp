// The wasi_snapshot_preview1 host functions, called through the wasi_probe guest with
// chosen pointers: results, effects on memory, and bounds checks (EFAULT).
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "wasi/pending.h"
#include "wasi/tests/fs_util.h"

namespace wasi = wippy::wasi;
namespace engine = wippy::engine;
using wasi::Errno;

using namespace wippy::wasi::test;

namespace {

// An instance of the wasi_probe guest (it re-exports the preview1 functions) with
// three arguments and two environment variables.
Probe probe() {
  return Probe({}, "wasi_probe", [](wasi::WasiContext& ctx) {
    ctx.args = {"prog", "a", "bc"};
    ctx.env = {"HOME=/home/x", "EMPTY="};
  });
}

}  // namespace

TEST(WasiHost, ErrnoValuesMatchTheSpec) {
  EXPECT_EQ(static_cast<int>(Errno::Success), 0);
  EXPECT_EQ(static_cast<int>(Errno::TooBig), 1);
  EXPECT_EQ(static_cast<int>(Errno::Badf), 8);
  EXPECT_EQ(static_cast<int>(Errno::Fault), 21);
  EXPECT_EQ(static_cast<int>(Errno::Inval), 28);
  EXPECT_EQ(static_cast<int>(Errno::NoEnt), 44);
  EXPECT_EQ(static_cast<int>(Errno::NoSys), 52);
  EXPECT_EQ(static_cast<int>(Errno::Spipe), 70);
  EXPECT_EQ(static_cast<int>(Errno::NotCapable), 76);
}

TEST(WasiHost, Args) {
  Probe p = probe();
  EXPECT_EQ(p.call("args_sizes_get", {0, 4}), 0u);
  EXPECT_EQ(p.u32(0), 3u);
  EXPECT_EQ(p.u32(4), 10u);  // "prog\0a\0bc\0"
  EXPECT_EQ(p.call("args_get", {100, 200}), 0u);
  EXPECT_EQ(p.u32(100), 200u);
  EXPECT_EQ(p.u32(104), 205u);
  EXPECT_EQ(p.u32(108), 207u);
  EXPECT_EQ(p.str(200, 10), std::string("prog\0a\0bc\0", 10));
}

TEST(WasiHost, ArgsOutOfBoundsIsEfaultAndWritesNothing) {
  Probe p = probe();
  EXPECT_EQ(p.call("args_sizes_get", {65533, 0}), kEfault);
  EXPECT_EQ(p.call("args_sizes_get", {0, 0xfffffffe}), kEfault);
  EXPECT_EQ(p.u32(0), 0u);
  EXPECT_EQ(p.call("args_get", {65528, 0}), kEfault);  // 3 pointers need 12 bytes
  EXPECT_EQ(p.call("args_get", {0, 65530}), kEfault);  // 10 bytes of strings
  EXPECT_EQ(p.u32(0), 0u);
  EXPECT_EQ(p.call("args_get", {65524, 65526}), 0u);  // exactly at the end is fine
}

TEST(WasiHost, Environ) {
  Probe p = probe();
  EXPECT_EQ(p.call("environ_sizes_get", {0, 4}), 0u);
  EXPECT_EQ(p.u32(0), 2u);
  EXPECT_EQ(p.u32(4), 20u);  // "HOME=/home/x\0EMPTY=\0"
  EXPECT_EQ(p.call("environ_get", {100, 200}), 0u);
  EXPECT_EQ(p.str(p.u32(100), 13), std::string("HOME=/home/x\0", 13));
  EXPECT_EQ(p.str(p.u32(104), 7), std::string("EMPTY=\0", 7));
  EXPECT_EQ(p.call("environ_get", {70000, 200}), kEfault);
}

TEST(WasiHost, FdWrite) {
  Probe p = probe();
  p.put(16, "hello");
  p.put(32, "abc");
  p.put32(0, 16);
  p.put32(4, 5);
  p.put32(8, 32);
  p.put32(12, 3);
  EXPECT_EQ(p.call("fd_write", {1, 0, 2, 64}), 0u);
  EXPECT_EQ(p.out, "helloabc");
  EXPECT_EQ(p.u32(64), 8u);
  EXPECT_EQ(p.call("fd_write", {2, 0, 1, 64}), 0u);
  EXPECT_EQ(p.err, "hello");
  EXPECT_EQ(p.call("fd_write", {1, 0, 0, 64}), 0u);  // no iovecs: writes nothing
  EXPECT_EQ(p.u32(64), 0u);
  EXPECT_EQ(p.call("fd_write", {0, 0, 1, 64}), kEbadf);
  EXPECT_EQ(p.call("fd_write", {7, 0, 1, 64}), kEbadf);
  EXPECT_EQ(p.out, "helloabc");
}

TEST(WasiHost, FdWriteOutOfBoundsIsEfaultAndWritesNothing) {
  Probe p = probe();
  p.put32(0, 65530);
  p.put32(4, 10);  // buffer past the end
  EXPECT_EQ(p.call("fd_write", {1, 0, 1, 64}), kEfault);
  p.put32(0, 16);
  p.put32(4, 4);
  EXPECT_EQ(p.call("fd_write", {1, 0, 1, 65534}), kEfault);        // nwritten past the end
  EXPECT_EQ(p.call("fd_write", {1, 65532, 1, 64}), kEfault);       // iovec past the end
  EXPECT_EQ(p.call("fd_write", {1, 0, 0x20000000, 64}), kEfault);  // huge iovec count
  EXPECT_EQ(p.out, "");
}

TEST(WasiHost, FdRead) {
  Probe p = probe();
  p.put32(0, 16);
  p.put32(4, 2);
  p.put32(8, 32);
  p.put32(12, 10);
  EXPECT_EQ(p.call("fd_read", {0, 0, 2, 64}), 0u);  // no stdin: end of input
  EXPECT_EQ(p.u32(64), 0u);
  p.ctx.stdin_source = wasi::string_source("xyz");
  EXPECT_EQ(p.call("fd_read", {0, 0, 2, 64}), 0u);
  EXPECT_EQ(p.u32(64), 3u);
  EXPECT_EQ(p.str(16, 2), "xy");
  EXPECT_EQ(p.str(32, 1), "z");
  EXPECT_EQ(p.call("fd_read", {0, 0, 2, 64}), 0u);
  EXPECT_EQ(p.u32(64), 0u);
  EXPECT_EQ(p.call("fd_read", {1, 0, 2, 64}), kEbadf);
  p.put32(8, 65530);
  EXPECT_EQ(p.call("fd_read", {0, 0, 2, 64}), kEfault);
}

TEST(WasiHost, StdioDescriptors) {
  Probe p = probe();
  for (uint64_t fd = 0; fd <= 2; fd++) {
    std::memset(p.mem(), 0xff, 24);
    EXPECT_EQ(p.call("fd_fdstat_get", {fd, 0}), 0u);
    EXPECT_EQ(p.mem()[0], 2) << "character device";
    EXPECT_EQ(p.mem()[1], 0);
    EXPECT_EQ(p.u64(16), 0u);
    uint64_t rights = p.u64(8);
    EXPECT_EQ((rights >> (fd == 0 ? 1 : 6)) & 1, 1u) << "read or write right";
    EXPECT_EQ((rights >> 2) & 1, 0u) << "no seek right";
    EXPECT_EQ(p.call("fd_seek", {fd, 0, 0, 32}), kEspipe);
  }
  EXPECT_EQ(p.call("fd_fdstat_get", {3, 0}), kEbadf);
  EXPECT_EQ(p.call("fd_fdstat_get", {1, 65530}), kEfault);
  EXPECT_EQ(p.call("fd_seek", {3, 0, 0, 32}), kEbadf);
  EXPECT_EQ(p.call("fd_prestat_get", {3, 0}), kEbadf);
  EXPECT_EQ(p.call("fd_close", {2}), 0u);
  EXPECT_EQ(p.call("fd_close", {9}), kEbadf);
}

TEST(WasiHost, Clocks) {
  Probe p = probe();
  EXPECT_EQ(p.call("clock_time_get", {0, 1000, 0}), 0u);
  EXPECT_GT(p.u64(0), 1600000000ull * 1000000000ull);  // after 2020
  EXPECT_EQ(p.call("clock_time_get", {1, 1, 8}), 0u);
  uint64_t a = p.u64(8);
  EXPECT_EQ(p.call("clock_time_get", {1, 1, 8}), 0u);
  EXPECT_GE(p.u64(8), a);
  EXPECT_EQ(p.call("clock_time_get", {2, 1, 8}), 0u);
  EXPECT_EQ(p.call("clock_time_get", {4, 1, 8}), kEinval);
  EXPECT_EQ(p.call("clock_time_get", {0, 1, 65530}), kEfault);
  EXPECT_EQ(p.call("clock_res_get", {1, 16}), 0u);
  EXPECT_GT(p.u64(16), 0u);
  EXPECT_EQ(p.call("clock_res_get", {7, 16}), kEinval);
  p.ctx.clock = [](uint32_t id) -> std::optional<uint64_t> {
    if (id > 1) return std::nullopt;
    return 123456789 + id;
  };
  EXPECT_EQ(p.call("clock_time_get", {1, 0, 0}), 0u);
  EXPECT_EQ(p.u64(0), 123456790u);
  EXPECT_EQ(p.call("clock_time_get", {2, 0, 0}), kEinval);
}

TEST(WasiHost, Random) {
  Probe p = probe();
  EXPECT_EQ(p.call("random_get", {0, 64}), 0u);
  bool nonzero = false;
  for (int i = 0; i < 64; i++) nonzero |= p.mem()[i] != 0;
  EXPECT_TRUE(nonzero);
  EXPECT_EQ(p.call("random_get", {65500, 100}), kEfault);
  EXPECT_EQ(p.call("random_get", {65536, 0}), 0u);
  p.ctx.random = [](std::span<uint8_t> b) {
    std::memset(b.data(), 0xab, b.size());
    return true;
  };
  EXPECT_EQ(p.call("random_get", {100, 3}), 0u);
  EXPECT_EQ(p.str(100, 4), std::string("\xab\xab\xab\0", 4));
}

// A random_get of up to one piece (256 KiB) fills at once, on the guest's thread
// (larger ones: host_fuel_test.cpp, ALargeRandomGetFillsAPiecePerRound...).
TEST(WasiHost, RandomUpToAPieceFillsAtOnce) {
  Probe p = probe();
  std::memset(p.mem() + 1000, 0, 4096);
  auto ex = p.inst->call("random_get", std::vector<uint64_t>{1000, 4096});
  ASSERT_EQ(ex->run(INT64_MAX), wippy::engine::RunStatus::Done);
  EXPECT_EQ(ex->results()[0], 0u);
  EXPECT_NE(p.str(1000, 4096), std::string(4096, '\0'));
}

TEST(WasiHost, PathOpenWithoutPreopensAnswersEbadf) {
  Probe p = probe();
  EXPECT_EQ(p.call("path_open", {}), kEbadf);  // descriptor 3 is not open
}

TEST(WasiHost, EveryPreview1FunctionIsDefined) {
  engine::Linker linker;
  wasi::WasiContext ctx;
  wasi::add_to_linker(linker, ctx);
  for (const char* name :
       {"args_get", "args_sizes_get", "environ_get", "environ_sizes_get", "clock_res_get",
        "clock_time_get", "fd_advise", "fd_allocate", "fd_close", "fd_datasync", "fd_fdstat_get",
        "fd_fdstat_set_flags", "fd_fdstat_set_rights", "fd_filestat_get", "fd_filestat_set_size",
        "fd_filestat_set_times", "fd_pread", "fd_prestat_get", "fd_prestat_dir_name", "fd_pwrite",
        "fd_read", "fd_readdir", "fd_renumber", "fd_seek", "fd_sync", "fd_tell", "fd_write",
        "path_create_directory", "path_filestat_get", "path_filestat_set_times", "path_link",
        "path_open", "path_readlink", "path_remove_directory", "path_rename", "path_symlink",
        "path_unlink_file", "poll_oneoff", "proc_exit", "proc_raise", "sched_yield", "random_get",
        "sock_accept", "sock_recv", "sock_send", "sock_shutdown"}) {
    EXPECT_TRUE(linker.has(wasi::kModuleName, name)) << name;
  }
}

TEST(WasiHost, ProcExitSuspendsWithExitRequest) {
  Probe p = probe();
  auto ex = p.inst->call("exit_with", std::vector<uint64_t>{3});
  EXPECT_EQ(ex->run(), wippy::engine::RunStatus::Suspended);
  auto* req = dynamic_cast<wasi::ExitRequest*>(ex->pending());
  ASSERT_NE(req, nullptr);
  EXPECT_EQ(req->code, 3u);
  EXPECT_EQ(p.ctx.exit_code, 3u);
  EXPECT_EQ(p.out, "before\n");

  auto ex2 = p.inst->call("exit_with", std::vector<uint64_t>{0});
  wasi::RunOutcome o = wasi::drive(*ex2, 1);
  EXPECT_EQ(o.kind, wasi::RunOutcome::Kind::Exited);
  EXPECT_EQ(o.exit_code, 0u);
  EXPECT_EQ(p.out, "before\nbefore\n");
}

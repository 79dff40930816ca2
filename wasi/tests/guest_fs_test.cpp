// C guests (wasi-libc) against real mounts: files and directories, read-only mounts,
// args and env, a timed sleep, stdin. Output and the host file system are checked.
#include <chrono>

#include "wasi/tests/fs_util.h"

namespace wippy::wasi::test {
namespace {

TEST(GuestFs, FilesDirectoriesRenameLinks) {
  TempDir dir;
  WasiContext ctx;
  ctx.mount(dir.str(), "/data", false);
  GuestRun r = run_guest("fs_ops", ctx);
  EXPECT_EQ(r.outcome.kind, RunOutcome::Kind::Exited) << r.outcome.trap.message;
  EXPECT_EQ(r.outcome.exit_code, 0u) << r.out;
  EXPECT_EQ(r.out,
            "a.txt (12 bytes): hello\nworld\n"
            "big.bin: 307200 bytes, equal=1\n"
            "pread: 23AB67\n"
            "readlink: b.txt\n"
            "through link: hello\n"
            "/data/dir: b.txt(f,12) big.bin(f,307200) hard(f,12) link(l) sub(d)\n"
            "/data/dir/sub: p.bin(f,5)\n"
            "/data: dir(d) out.txt(f,21)\n"
            "/data/dir: b.txt(f,12) sub(d)\n"
            "failures: 0\n");
  // The host sees the same tree.
  EXPECT_EQ(read_file(dir.path() / "dir" / "b.txt"), "hello\nworld\n");
  EXPECT_EQ(read_file(dir.path() / "dir" / "sub" / "p.bin"), "0123A");
  EXPECT_EQ(read_file(dir.path() / "out.txt"), "done with 0 failures\n");
  EXPECT_FALSE(fs::exists(dir.path() / "dir" / "a.txt"));
  EXPECT_FALSE(fs::exists(dir.path() / "dir" / "big.bin"));
}

TEST(GuestFs, ReadOnlyMountRefusesEveryChangeWithErofs) {
  TempDir ro, rw;
  write_file(ro.path() / "file.txt", "read me\n");
  fs::create_directory(ro.path() / "dir");
  write_file(rw.path() / "w.txt", "w");
  auto before = snapshot(ro.path());
  WasiContext ctx;
  ctx.mount(ro.str(), "/ro", true);
  ctx.mount(rw.str(), "/data", false);
  GuestRun r = run_guest("readonly", ctx);
  EXPECT_EQ(r.outcome.exit_code, 0u);
  EXPECT_EQ(r.out,
            "read: ok\n"
            "content: read me\n"
            "open for write: Read-only file system\n"
            "create: Read-only file system\n"
            "truncate: Read-only file system\n"
            "mkdir: Read-only file system\n"
            "rmdir: Read-only file system\n"
            "unlink: Read-only file system\n"
            "rename within: Read-only file system\n"
            "rename out: Read-only file system\n"
            "rename in: Read-only file system\n"
            "symlink: Read-only file system\n"
            "link out: Read-only file system\n"
            "utimes: Read-only file system\n"
            "ftruncate: Read-only file system\n"
            "write on read fd: Bad file descriptor\n"
            "erofs=69\n");
  EXPECT_EQ(snapshot(ro.path()), before);
  EXPECT_TRUE(fs::exists(rw.path() / "w.txt"));
  EXPECT_FALSE(fs::exists(rw.path() / "moved.txt"));
  EXPECT_FALSE(fs::exists(rw.path() / "hard"));
}

TEST(GuestFs, ArgsAndEnv) {
  WasiContext ctx;
  ctx.env = {"GREETING=hi there", "B=2", "A=1"};
  GuestRun r = run_guest("env_args", ctx, {"one", "two words", "three"});
  EXPECT_EQ(r.outcome.exit_code, 3u);
  EXPECT_EQ(r.out,
            "argc=4\nargv[1]=one\nargv[2]=two words\nargv[3]=three\n"
            "env A=1\nenv B=2\nenv GREETING=hi there\nGREETING=hi there\n");
}

TEST(GuestFs, TimedSleep) {
  WasiContext ctx;
  auto t0 = std::chrono::steady_clock::now();
  GuestRun r = run_guest("sleep", ctx, {"60"});
  auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(r.outcome.exit_code, 0u);
  EXPECT_EQ(r.out, "slept at least 60 ms: yes\n");
  EXPECT_GE(took, std::chrono::milliseconds(60));
  EXPECT_LT(took, std::chrono::milliseconds(2000));
}

TEST(GuestFs, StdinBlockingAndNot) {
  for (bool blocks : {false, true}) {
    WasiContext ctx;
    ctx.stdin_source = string_source("ab\ncd\n");
    ctx.stdin_blocks = blocks;  // through a BlockingOp: drive() runs it here
    GuestRun r = run_guest("stdin_upper", ctx);
    EXPECT_EQ(r.out, "AB\nCD\n");
    EXPECT_EQ(r.outcome.exit_code, 2u);
  }
}

// wasi.max_write_bytes (issue 15): what writes add to files counts, all files
// together; the write that passes the quota is cut short, the next one gets ENOSPC;
// overwriting is free, shrinking gives nothing back.
TEST(GuestFs, WriteQuotaGivesEnospc) {
  TempDir dir;
  WasiContext ctx;
  ctx.mount(dir.str(), "/data", false);
  ctx.io_suspend_threshold = 64 * 1024;  // the 100,000-byte writes run off the guest's thread
  ctx.max_write_bytes = 200000;
  GuestRun r = run_guest("write_quota", ctx);
  EXPECT_EQ(r.outcome.exit_code, 0u) << r.outcome.trap.message << r.err;
  EXPECT_EQ(r.out,
            "write 100000: 100000\n"
            "write 30000: 30000\n"
            "write 100000 more: 70000\n"
            "write 1 more: No space left on device\n"
            "overwrite 30000: 30000\n"
            "pwrite past the end: No space left on device\n"
            "pwrite inside: 10\n"
            "grow by ftruncate: No space left on device\n"
            "shrink by ftruncate: 0\n"
            "write after shrinking: No space left on device\n"
            "write another file: No space left on device\n");
  EXPECT_EQ(fs::file_size(dir.path() / "a.bin"), 1000u);
  EXPECT_EQ(ctx.written_bytes, 200000u);

  // Without a quota (0) every write goes through.
  TempDir free_dir;
  WasiContext unlimited;
  unlimited.mount(free_dir.str(), "/data", false);
  unlimited.max_write_bytes = 0;
  r = run_guest("write_quota", unlimited);
  EXPECT_EQ(r.outcome.exit_code, 0u);
  EXPECT_NE(r.out.find("write 100000 more: 100000\n"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("No space left"), std::string::npos) << r.out;
  EXPECT_EQ(WasiContext().max_write_bytes, uint64_t{1} << 30) << "the default is 1 GiB";
}

// An offset no file can have is refused before it is counted.
TEST(GuestFs, WriteQuotaRefusesImpossibleOffsets) {
  TempDir dir;
  Probe p({{dir.str(), "/d", false}}, "fs_probe", [](WasiContext& c) { c.max_write_bytes = 1000; });
  uint32_t fd = 0;
  ASSERT_EQ(p.open(3, "f", 1, 68, 1, 0, &fd), kOk);  // creat; fd_write | fd_seek
  p.put32(300, 400);
  p.put32(304, 10);
  EXPECT_EQ(p.call("fd_pwrite", {fd, 300, 1, uint64_t{1} << 63, 308}), kEinval);
  EXPECT_EQ(p.call("fd_pwrite", {fd, 300, 1, ~uint64_t{0} - 4, 308}), kEinval);
  EXPECT_EQ(p.ctx.written_bytes, 0u);
  EXPECT_EQ(p.call("fd_pwrite", {fd, 300, 1, 995, 308}), kOk);
  EXPECT_EQ(p.u32(308), 5u) << "cut to the quota";
  EXPECT_EQ(p.ctx.written_bytes, 1000u);
}

}  // namespace
}  // namespace wippy::wasi::test

// preview1 rights are enforced (issue 15): every fd_* and path_* call needs the rights
// the witx names for it, a descriptor whose rights were dropped can no longer do what
// they allowed (ENOTCAPABLE), path_open cannot ask for more than its directory hands
// down, and fd_allocate is refused.
#include <gtest/gtest.h>

#include "wasi/tests/fs_util.h"

using namespace wippy::wasi::test;

namespace {

// witx `$rights` bits used here.
constexpr uint64_t kFdRead = 1 << 1, kFdSeek = 1 << 2, kFdTell = 1 << 5, kFdWrite = 1 << 6,
                   kFdAllocate = 1 << 8, kPathCreateFile = 1 << 10, kPathOpen = 1 << 13, kFdReaddir = 1 << 14,
                   kFdFilestatGet = 1 << 21;
constexpr uint32_t kOCreat = 1, kODirectory = 2;

struct RightsProbe {
  TempDir d;
  std::unique_ptr<Probe> p;
  uint32_t fd = 0;
  RightsProbe() {
    write_file(d.path() / "f.txt", "hello");
    p = std::make_unique<Probe>(std::vector<std::tuple<std::string, std::string, bool>>{{d.str(), "/d", false}});
    EXPECT_EQ(p->open(3, "f.txt", 0, kFdRead | kFdWrite | kFdSeek | kFdTell | kFdFilestatGet | kFdAllocate, 1, 0, &fd),
              kOk);
    p->put32(300, 400);  // one iovec {400, 4}
    p->put32(304, 4);
  }
  uint32_t drop_to(uint64_t base, uint64_t inheriting = 0) {
    return p->call("fd_fdstat_set_rights", {fd, base, inheriting});
  }
};

}  // namespace

TEST(Rights, DroppedReadAndWriteAreRefused) {
  RightsProbe r;
  Probe& p = *r.p;
  EXPECT_EQ(p.call("fd_read", {r.fd, 300, 1, 310}), kOk);
  EXPECT_EQ(r.drop_to(kFdWrite | kFdSeek | kFdTell), kOk);
  EXPECT_EQ(p.call("fd_read", {r.fd, 300, 1, 310}), kEnotcapable);
  EXPECT_EQ(p.call("fd_pread", {r.fd, 300, 1, 0, 310}), kEnotcapable);
  EXPECT_EQ(p.call("fd_write", {r.fd, 300, 1, 310}), kOk);
  EXPECT_EQ(r.drop_to(kFdSeek | kFdTell), kOk);
  EXPECT_EQ(p.call("fd_write", {r.fd, 300, 1, 310}), kEnotcapable);
  EXPECT_EQ(p.call("fd_pwrite", {r.fd, 300, 1, 0, 310}), kEnotcapable);
  EXPECT_EQ(read_file(r.d.path() / "f.txt"), "hellhell") << "only the write allowed wrote";
  // Rights never come back.
  EXPECT_EQ(r.drop_to(kFdRead | kFdSeek | kFdTell), kEnotcapable);
}

TEST(Rights, SeekNeedsSeekAndTellNeedsTell) {
  RightsProbe r;
  Probe& p = *r.p;
  EXPECT_EQ(r.drop_to(kFdTell | kFdRead), kOk);
  EXPECT_EQ(p.call("fd_tell", {r.fd, 320}), kOk);
  EXPECT_EQ(p.call("fd_seek", {r.fd, 0, 1, 320}), kOk) << "offset 0 from the current position only tells";
  EXPECT_EQ(p.call("fd_seek", {r.fd, 2, 0, 320}), kEnotcapable);
  EXPECT_EQ(p.call("fd_pread", {r.fd, 300, 1, 0, 310}), kEnotcapable) << "pread needs seek too";
  EXPECT_EQ(r.drop_to(kFdRead), kOk);
  EXPECT_EQ(p.call("fd_tell", {r.fd, 320}), kEnotcapable);
  EXPECT_EQ(p.call("fd_seek", {r.fd, 0, 1, 320}), kEnotcapable);
  EXPECT_EQ(p.call("fd_filestat_get", {r.fd, 600}), kEnotcapable);
  EXPECT_EQ(p.call("fd_filestat_set_size", {r.fd, 0}), kEnotcapable);
  EXPECT_EQ(read_file(r.d.path() / "f.txt"), "hello");
}

TEST(Rights, PathOpenAsksForNoMoreThanTheDirectoryHandsDown) {
  RightsProbe r;
  Probe& p = *r.p;
  uint32_t sub = 0;
  ASSERT_EQ(p.call("path_create_directory", {3, p.put("sub"), 3}), kOk);
  // A directory descriptor that hands down reading only.
  uint32_t ps = p.put("sub");
  ASSERT_EQ(p.call("path_open", {3, 1, ps, 3, kODirectory, kPathOpen | kPathCreateFile | kFdReaddir, kFdRead, 0, 64}),
            kOk);
  sub = p.u32(64);
  write_file(r.d.path() / "sub" / "g.txt", "x");
  uint32_t pg = p.put("g.txt");
  EXPECT_EQ(p.call("path_open", {sub, 1, pg, 5, 0, kFdRead, 0, 0, 64}), kOk);
  EXPECT_EQ(p.call("path_open", {sub, 1, pg, 5, 0, kFdRead | kFdWrite, 0, 0, 64}), kEnotcapable);
  EXPECT_EQ(p.call("path_open", {sub, 1, pg, 5, 0, kFdRead, kFdWrite, 0, 64}), kEnotcapable);
  // Creating needs path_create_file, which the directory has: the create itself works.
  uint32_t pn = p.put("new.txt");
  EXPECT_EQ(p.call("path_open", {sub, 1, pn, 7, kOCreat, kFdRead, 0, 0, 64}), kOk);
  // Without path_open or path_create_file on the directory, nothing opens or is created.
  ASSERT_EQ(p.call("fd_fdstat_set_rights", {sub, kPathOpen | kFdReaddir, kFdRead}), kOk);
  uint32_t pm = p.put("more.txt");
  EXPECT_EQ(p.call("path_open", {sub, 1, pm, 8, kOCreat, kFdRead, 0, 0, 64}), kEnotcapable);
  EXPECT_FALSE(fs::exists(r.d.path() / "sub" / "more.txt"));
  ASSERT_EQ(p.call("fd_fdstat_set_rights", {sub, kFdReaddir, kFdRead}), kOk);
  EXPECT_EQ(p.call("path_open", {sub, 1, pg, 5, 0, kFdRead, 0, 0, 64}), kEnotcapable);
  EXPECT_EQ(p.call("path_filestat_get", {sub, 1, pg, 5, 600}), kEnotcapable);
  EXPECT_EQ(p.call("path_unlink_file", {sub, pg, 5}), kEnotcapable);
  EXPECT_TRUE(fs::exists(r.d.path() / "sub" / "g.txt"));
  EXPECT_EQ(p.call("fd_readdir", {sub, 1000, 256, 0, 320}), kOk);
  ASSERT_EQ(p.call("fd_fdstat_set_rights", {sub, 0, 0}), kOk);
  EXPECT_EQ(p.call("fd_readdir", {sub, 1000, 256, 0, 320}), kEnotcapable);
  EXPECT_EQ(p.call("path_create_directory", {sub, p.put("x"), 1}), kEnotcapable);
}

TEST(Rights, FdAllocateIsRefused) {
  RightsProbe r;
  EXPECT_EQ(r.p->call("fd_allocate", {r.fd, 0, 1ull << 30}), kEnotsup);
  EXPECT_EQ(fs::file_size(r.d.path() / "f.txt"), 5u) << "no disk was reserved";
  EXPECT_EQ(r.p->call("fd_allocate", {99, 0, 1}), kEbadf);
}

TEST(Rights, StandardStreamsKeepWorking) {
  RightsProbe r;
  Probe& p = *r.p;
  p.put(400, "hi\n");
  p.put32(304, 3);
  EXPECT_EQ(p.call("fd_write", {1, 300, 1, 310}), kOk);
  EXPECT_EQ(p.out, "hi\n");
  EXPECT_EQ(p.call("fd_write", {0, 300, 1, 310}), kEbadf);
  EXPECT_EQ(p.call("fd_read", {1, 300, 1, 310}), kEbadf);
}

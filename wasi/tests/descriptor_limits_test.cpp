// Open descriptors are capped (issue 15): per process by FdTable's limit (EMFILE,
// `wasi.max_open_files`), and for all processes together by the host descriptor
// budget (ENFILE), which keeps a reserve of the host's open-file limit for the runtime.
#include <gtest/gtest.h>

#include "wasi/tests/fs_util.h"

using namespace wippy::wasi::test;
namespace wasi = wippy::wasi;

namespace {

constexpr uint32_t kEmfile = 33, kEnfile = 41;
constexpr uint64_t kRead = 2;

std::vector<std::tuple<std::string, std::string, bool>> mount(const TempDir& d) { return {{d.str(), "/d", false}}; }

// Restores the default budget when a test ends.
struct BudgetGuard {
  ~BudgetGuard() { wasi::set_host_descriptor_budget(0); }
};

}  // namespace

TEST(DescriptorLimits, DefaultBudgetLeavesTheHostAReserve) {
  EXPECT_GE(wasi::host_descriptor_budget(), 16u);
  EXPECT_EQ(wasi::FdTable().max_descriptors(), 1024u);
}

TEST(DescriptorLimits, PerProcessLimitGivesEmfileAndOnlyThatProcess) {
  TempDir d;
  write_file(d.path() / "f", "x");
  // stdio 0-2, the mount 3, then 4 and 5: a limit of 6 numbers.
  Probe small(mount(d), "fs_probe", [](wasi::WasiContext& c) { c.fds.set_max_descriptors(6); });
  Probe other(mount(d));
  uint32_t fd = 0;
  EXPECT_EQ(small.open(3, "f", 0, kRead, 1, 0, &fd), kOk);
  EXPECT_EQ(fd, 4u);
  EXPECT_EQ(small.open(3, "f", 0, kRead, 1, 0, &fd), kOk);
  EXPECT_EQ(fd, 5u);
  EXPECT_EQ(small.open(3, "f", 0, kRead), kEmfile);
  EXPECT_EQ(other.open(3, "f", 0, kRead, 1, 0, &fd), kOk) << "another process is not affected";
  // Closing one makes room again.
  EXPECT_EQ(small.call("fd_close", {4}), kOk);
  EXPECT_EQ(small.open(3, "f", 0, kRead, 1, 0, &fd), kOk);
  EXPECT_EQ(fd, 4u);
}

TEST(DescriptorLimits, AllProcessesTogetherGetEnfileBeyondTheHostBudget) {
  BudgetGuard guard;
  TempDir d;
  write_file(d.path() / "f", "x");
  Probe a(mount(d)), b(mount(d));
  // Room for two more host descriptors than are open now.
  wasi::set_host_descriptor_budget(wasi::host_descriptors_in_use() + 2);
  uint32_t fd = 0;
  EXPECT_EQ(a.open(3, "f", 0, kRead, 1, 0, &fd), kOk);
  EXPECT_EQ(b.open(3, "f", 0, kRead), kOk);
  size_t held = wasi::host_descriptors_in_use();
  EXPECT_EQ(a.open(3, "f", 0, kRead), kEnfile);
  EXPECT_EQ(b.open(3, "f", 0, kRead), kEnfile);
  EXPECT_EQ(wasi::host_descriptors_in_use(), held) << "a refused open leaves nothing open";
  EXPECT_EQ(a.call("fd_close", {fd}), kOk);
  EXPECT_EQ(b.open(3, "f", 0, kRead), kOk);
}

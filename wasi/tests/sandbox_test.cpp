// The sandbox: attempts to leave a mount, each refused, with nothing outside the mount
// touched; run once with openat2(RESOLVE_BENEATH) and once with the component walk.
#include <fcntl.h>

#include <functional>

#include "wasi/sandbox.h"
#include "wasi/tests/fs_util.h"

namespace wippy::wasi::test {
namespace {

constexpr uint32_t kCreat = 1, kDirectory = 2, kExcl = 4, kTrunc = 8;
constexpr uint64_t kRead = 2, kWrite = 64;
constexpr uint32_t kNoFollow = 0, kFollow = 1;

class Sandbox : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    sandbox::set_openat2_allowed(GetParam());
    root_ = std::make_unique<TempDir>();
    fs::path m = root_->path() / "mount", out = root_->path() / "outside";
    fs::create_directories(m / "sub" / "deep");
    fs::create_directories(out / "dir");
    write_file(m / "file", "in");
    write_file(out / "secret", "secret");
    fs::create_symlink(out, m / "abs");
    fs::create_symlink(out / "secret", m / "abs_file");
    fs::create_symlink("../outside", m / "climb");
    fs::create_symlink("c2", m / "c1");
    fs::create_symlink("sub/c3", m / "c2");
    fs::create_symlink("../../outside", m / "sub" / "c3");
    fs::create_symlink("/proc/self/root", m / "proc");
    fs::create_symlink("deep/../../climb", m / "sub" / "sneaky");
    fs::create_symlink("loop2", m / "loop1");
    fs::create_symlink("loop1", m / "loop2");
    // Legitimate links that stay inside.
    fs::create_symlink("..", m / "sub" / "up");
    fs::create_symlink("sub/in2", m / "in1");
    fs::create_symlink("../file", m / "sub" / "in2");
    before_ = snapshot(out);
    root_before_ = list_root();
  }
  void TearDown() override { sandbox::set_openat2_allowed(true); }

  std::vector<std::string> list_root() {
    std::vector<std::string> v;
    for (auto& e : fs::directory_iterator(root_->path())) v.push_back(e.path().filename().string());
    std::sort(v.begin(), v.end());
    return v;
  }
  Probe probe() { return Probe({{root_->str("mount"), "/data", false}}); }

  std::unique_ptr<TempDir> root_;
  std::map<std::string, std::string> before_;
  std::vector<std::string> root_before_;
};

TEST_P(Sandbox, UsesTheRequestedResolver) { EXPECT_EQ(sandbox::using_openat2(), GetParam()); }

TEST_P(Sandbox, LinksThatStayInsideWork) {
  Probe p = probe();
  uint32_t fd;
  EXPECT_EQ(p.open(3, "sub/up/file", 0, kRead, kFollow, 0, &fd), kOk);
  EXPECT_EQ(p.open(3, "in1", 0, kRead, kFollow, 0, &fd), kOk);
  EXPECT_EQ(p.open(3, "sub/deep/../../file", 0, kRead, kFollow, 0, &fd), kOk);
  EXPECT_EQ(p.open(3, "./sub/./deep/..//", kDirectory, kRead, kFollow, 0, &fd), kOk);
  EXPECT_EQ(p.open(3, ".", kDirectory, kRead, kFollow, 0, &fd), kOk);
  p.put32(200, 100);
  p.put32(204, 2);
  EXPECT_EQ(p.call("fd_read", {fd, 200, 1, 210}), kEisdir);
}

TEST_P(Sandbox, EveryEscapeIsRefusedAndNothingOutsideChanges) {
  Probe p = probe();
  uint32_t sub;
  ASSERT_EQ(p.open(3, "sub", kDirectory, kRead, kFollow, 0, &sub), kOk);
  std::string outside = root_->str("outside");
  std::string long_path;
  for (int i = 0; i < 1100; i++) long_path += "abc/";
  std::string deep_dots;
  for (int i = 0; i < 300; i++) deep_dots += "sub/../";
  deep_dots += "../outside/secret";

  struct Attempt {
    const char* name;
    std::function<uint32_t()> run;
    std::vector<uint32_t> expected;  // any of these
  };
  const std::vector<Attempt> attempts = {
      {"dotdot", [&] { return p.open(3, "../outside/secret", 0, kRead); }, {kEnotcapable}},
      {"dotdot alone", [&] { return p.open(3, "..", kDirectory, kRead); }, {kEnotcapable}},
      {"absolute", [&] { return p.open(3, "/etc/passwd", 0, kRead); }, {kEnotcapable}},
      {"absolute host path", [&] { return p.open(3, outside + "/secret", 0, kRead); }, {kEnotcapable}},
      {"dotdot after descent", [&] { return p.open(3, "sub/../../outside/secret", 0, kRead); }, {kEnotcapable}},
      {"many dots", [&] { return p.open(3, deep_dots, 0, kRead); }, {kEnotcapable}},
      {"dotdot from a subdirectory fd", [&] { return p.open(sub, "../../outside/secret", 0, kRead); },
       {kEnotcapable}},
      {"subdirectory fd to its parent", [&] { return p.open(sub, "../file", 0, kRead); }, {kEnotcapable}},
      {"absolute symlink to a dir", [&] { return p.open(3, "abs/secret", 0, kRead); }, {kEnotcapable}},
      {"absolute symlink to a file", [&] { return p.open(3, "abs_file", 0, kRead, kFollow); }, {kEnotcapable}},
      {"absolute symlink, no follow", [&] { return p.open(3, "abs_file", 0, kRead, kNoFollow); }, {kEloop}},
      {"symlink climbing out", [&] { return p.open(3, "climb/secret", 0, kRead); }, {kEnotcapable}},
      {"chain of symlinks", [&] { return p.open(3, "c1/secret", 0, kRead); }, {kEnotcapable}},
      {"symlink with dots inside", [&] { return p.open(3, "sub/sneaky/secret", 0, kRead); }, {kEnotcapable}},
      {"magic link via /proc", [&] { return p.open(3, "proc/etc/passwd", 0, kRead); }, {kEnotcapable}},
      {"symlink loop", [&] { return p.open(3, "loop1", 0, kRead); }, {kEloop}},
      {"truncate through symlink",
       [&] { return p.open(3, "abs_file", kTrunc, kRead | kWrite, kFollow); },
       {kEnotcapable}},
      {"create through symlinked dir", [&] { return p.open(3, "climb/new", kCreat, kWrite); }, {kEnotcapable}},
      {"create through absolute symlinked dir", [&] { return p.open(3, "abs/new", kCreat | kExcl, kWrite); },
       {kEnotcapable}},
      {"mkdir through symlink", [&] { return p.path1("path_create_directory", 3, "climb/newdir"); },
       {kEnotcapable}},
      {"mkdir with dotdot", [&] { return p.path1("path_create_directory", 3, "../outside/newdir"); },
       {kEnotcapable}},
      {"rmdir outside", [&] { return p.path1("path_remove_directory", 3, "../outside/dir"); }, {kEnotcapable}},
      {"rmdir through symlink", [&] { return p.path1("path_remove_directory", 3, "abs/dir"); }, {kEnotcapable}},
      {"unlink through symlink", [&] { return p.path1("path_unlink_file", 3, "climb/secret"); }, {kEnotcapable}},
      {"unlink through chain", [&] { return p.path1("path_unlink_file", 3, "c1/secret"); }, {kEnotcapable}},
      {"rename out", [&] { return p.path2("path_rename", 3, "file", 3, "../outside/moved"); }, {kEnotcapable}},
      {"rename out through symlink", [&] { return p.path2("path_rename", 3, "file", 3, "climb/moved"); },
       {kEnotcapable}},
      {"rename in from outside", [&] { return p.path2("path_rename", 3, "abs/secret", 3, "stolen"); },
       {kEnotcapable}},
      {"hard link out",
       [&] {
         uint32_t a = p.put("file"), b = p.put("../outside/hl");
         return p.call("path_link", {3, 0, a, 4, 3, b, 13});
       },
       {kEnotcapable}},
      {"hard link to an outside file via symlink",
       [&] {
         uint32_t a = p.put("abs_file"), b = p.put("hl");
         return p.call("path_link", {3, kFollow, a, 8, 3, b, 2});
       },
       {kEnotcapable}},
      {"hard link from outside",
       [&] {
         uint32_t a = p.put("climb/secret"), b = p.put("hl2");
         return p.call("path_link", {3, 0, a, 12, 3, b, 3});
       },
       {kEnotcapable}},
      {"symlink with absolute target",
       [&] {
         std::string t = outside + "/secret";
         uint32_t a = p.put(t), b = p.put("mylink");
         return p.call("path_symlink", {a, t.size(), 3, b, 6});
       },
       {kEnotcapable}},
      {"symlink created outside",
       [&] {
         uint32_t a = p.put("x"), b = p.put("../outside/l");
         return p.call("path_symlink", {a, 1, 3, b, 12});
       },
       {kEnotcapable}},
      {"stat outside", [&] {
         uint32_t a = p.put("../outside/secret");
         return p.call("path_filestat_get", {3, kFollow, a, 17, 1024});
       },
       {kEnotcapable}},
      {"stat through symlink", [&] {
         uint32_t a = p.put("abs_file");
         return p.call("path_filestat_get", {3, kFollow, a, 8, 1024});
       },
       {kEnotcapable}},
      {"set times through symlink",
       [&] {
         uint32_t a = p.put("abs_file");
         return p.call("path_filestat_set_times", {3, kFollow, a, 8, 1, 1, 5});
       },
       {kEnotcapable}},
      {"set times with dotdot",
       [&] {
         uint32_t a = p.put("../outside/secret");
         return p.call("path_filestat_set_times", {3, 0, a, 17, 1, 1, 5});
       },
       {kEnotcapable}},
      {"readlink outside",
       [&] {
         uint32_t a = p.put("../outside/secret");
         return p.call("path_readlink", {3, a, 17, 2048, 100, 2200});
       },
       {kEnotcapable}},
      {"readlink through a trailing slash", [&] {
         uint32_t a = p.put("abs/");
         return p.call("path_readlink", {3, a, 4, 2048, 100, 2200});
       },
       {kEnotcapable}},
      {"NUL byte", [&] { return p.open(3, std::string("file\0/../../outside/secret", 26), 0, kRead); }, {kEinval}},
      {"invalid UTF-8", [&] { return p.open(3, "\xff\xfe/../x", 0, kRead); }, {kEilseq}},
      {"overlong UTF-8 dot", [&] { return p.open(3, "\xc0\xae\xc0\xae/outside", 0, kRead); }, {kEilseq}},
      {"long path", [&] { return p.open(3, long_path, 0, kRead); }, {kEnametoolong}},
      {"empty path", [&] { return p.open(3, "", 0, kRead); }, {kEnoent}},
      {"not a directory fd", [&] { return p.open(1, "file", 0, kRead); }, {kEnotdir}},
  };
  ASSERT_GE(attempts.size(), 20u);
  for (const Attempt& a : attempts) {
    uint32_t e = a.run();
    bool ok = std::find(a.expected.begin(), a.expected.end(), e) != a.expected.end();
    EXPECT_TRUE(ok) << a.name << ": errno " << e << ", expected " << a.expected[0];
  }
  // Nothing outside changed, nothing new next to the mount, nothing was created inside.
  EXPECT_EQ(snapshot(root_->path() / "outside"), before_);
  EXPECT_EQ(list_root(), root_before_);
  EXPECT_FALSE(fs::exists(fs::symlink_status(root_->path() / "mount" / "hl")));
  EXPECT_FALSE(fs::exists(fs::symlink_status(root_->path() / "mount" / "stolen")));
  EXPECT_FALSE(fs::exists(fs::symlink_status(root_->path() / "mount" / "mylink")));
  EXPECT_EQ(read_file(root_->path() / "mount" / "file"), "in");
}

INSTANTIATE_TEST_SUITE_P(Resolvers, Sandbox, ::testing::Values(true, false),
                         [](const auto& info) { return info.param ? "openat2" : "walk"; });

}  // namespace
}  // namespace wippy::wasi::test

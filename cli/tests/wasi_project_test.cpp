// `wippy run` on a project whose process.wasm entries use WASI: mounts (read-write and
// read-only), args, env from env.variable entries, cwd as PWD, stdio on the terminal.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cli/tests/project.h"

namespace fs = std::filesystem;

namespace {

using wippy::test::Project;

TEST(WasiProject, MountsArgsEnvAndReadOnly) {
  Project p;
  p.write("wippy.lock", "directories:\n  src: ./src\n");
  p.write("ro/file.txt", "read me\n");
  fs::create_directories(p.root() / "ro" / "dir");
  p.write("data/w.txt", "w");
  std::string fs_ops = p.guest("wasi_fs_ops"), readonly = p.guest("wasi_readonly"), env = p.guest("wasi_env_args");
  auto wasm = [](const std::string& name, const std::string& file, const std::string& hash, const std::string& rest) {
    return "  - name: " + name + "\n    kind: process.wasm\n    fs: app:bin\n    path: /" + file +
           ".wasm\n    hash: " + hash + "\n    method: _start\n    meta: { command: { name: " + name + " } }\n" +
           rest;
  };
  p.write("src/_index.yaml",
          "version: \"1.0\"\nnamespace: app\nentries:\n"
          "  - { name: terminal, kind: terminal.host }\n"
          "  - { name: bin, kind: fs.directory, directory: ./bin }\n"
          "  - { name: data, kind: fs.directory, directory: ./data }\n"
          "  - { name: ro, kind: fs.directory, directory: ./ro }\n"
          "  - { name: greeting, kind: env.variable, variable: WIPPY_TEST_UNSET_GREETING, default: hello }\n" +
              wasm("fsops", "wasi_fs_ops", fs_ops,
                   "    imports: [wasi:cli, wasi:filesystem]\n"
                   "    wasi: { mounts: [{ fs: app:data, guest: /data }] }\n") +
              wasm("readonly", "wasi_readonly", readonly,
                   "    imports: [wasi:cli, wasi:filesystem]\n"
                   "    wasi:\n      mounts:\n"
                   "        - { fs: app:ro, guest: /ro, read_only: true }\n"
                   "        - { fs: app:data, guest: /data }\n") +
              wasm("envargs", "wasi_env_args", env,
                   "    imports: [wasi:cli]\n"
                   "    wasi:\n      args: [one, two]\n      cwd: /data\n"
                   "      env: [{ id: app:greeting, name: GREETING }]\n"));

  auto r = p.run({"run", "fsops"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("failures: 0"), std::string::npos) << r.out;
  EXPECT_EQ(p.read("data/out.txt"), "done with 0 failures\n");
  EXPECT_EQ(p.read("data/dir/b.txt"), "hello\nworld\n");

  r = p.run({"run", "readonly"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("create: Read-only file system\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("rename out: Read-only file system\n"), std::string::npos) << r.out;
  EXPECT_EQ(p.read("ro/file.txt"), "read me\n");
  EXPECT_FALSE(fs::exists(p.root() / "ro" / "new.txt"));

  r = p.run({"run", "envargs"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out,
            "argc=3\nargv[1]=one\nargv[2]=two\nenv GREETING=hello\nenv PWD=/data\nGREETING=hello\n");
}

TEST(WasiProject, CwdResolvesRelativePathsInsideTheMount) {
  Project p;
  p.write("wippy.lock", "directories:\n  src: ./src\n");
  p.write("data/sub/in.txt", "hello\n");
  std::string hash = p.guest("wasi_cwd_relative");
  auto entry = [&](const std::string& name, const std::string& cwd) {
    return "  - name: " + name + "\n    kind: process.wasm\n    fs: app:bin\n    path: /wasi_cwd_relative.wasm\n"
           "    hash: " + hash + "\n    method: _start\n    meta: { command: { name: " + name + " } }\n"
           "    imports: [wasi:cli, wasi:filesystem]\n"
           "    wasi: { cwd: " + cwd + ", mounts: [{ fs: app:data, guest: /data }] }\n";
  };
  p.write("src/_index.yaml",
          "version: \"1.0\"\nnamespace: app\nentries:\n"
          "  - { name: terminal, kind: terminal.host }\n"
          "  - { name: bin, kind: fs.directory, directory: ./bin }\n"
          "  - { name: data, kind: fs.directory, directory: ./data }\n" +
              entry("insub", "/data/sub") + entry("nodir", "/data/missing") + entry("escape", "/data/out"));
  fs::create_symlink(p.root(), p.root() / "data" / "out");
  auto r = p.run({"run", "insub"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "read: hello\n");
  EXPECT_EQ(p.read("data/sub/out.txt"), "copied: hello\n");
  EXPECT_FALSE(fs::exists(p.root() / "data" / "out.txt"));

  r = p.run({"run", "nodir"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "error: app:nodir: wasi cwd /data/missing: no such directory inside the mount /data\n");

  // A symlink inside the mount that points out of it is not a way out.
  r = p.run({"run", "escape"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "error: app:escape: wasi cwd /data/out: it leads out of the mount /data\n");
}

}  // namespace

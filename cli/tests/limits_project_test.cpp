// `wippy run` applies the YAML limits of issue 15: a process.host's max_message_depth
// and max_message_bytes, and an entry's wasi.max_write_bytes.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "cli/tests/project.h"

namespace fs = std::filesystem;

namespace {

using wippy::test::Project;

TEST(LimitsProject, MessageLimitsOfTheHostAndWriteQuotaOfTheEntry) {
  Project p;
  p.write("wippy.lock", "directories:\n  src: ./src\n");
  fs::create_directories(p.root() / "data");
  std::string quota = p.guest("wasi_write_quota");
  p.write("src/_index.yaml",
          "version: \"1.0\"\nnamespace: app\nentries:\n"
          "  - { name: terminal, kind: terminal.host }\n"
          "  - name: processes\n    kind: process.host\n"
          "    host: { workers: 1, max_message_depth: 2, max_message_bytes: 10000 }\n"
          "  - { name: bin, kind: fs.directory, directory: ./bin }\n"
          "  - { name: data, kind: fs.directory, directory: ./data }\n"
          "  - name: parent\n    kind: process.lua\n    source: file://parent.lua\n    method: main\n"
          "    meta: { command: { name: parent } }\n"
          "  - { name: child, kind: process.lua, source: file://child.lua, method: main }\n"
          "  - name: writer\n    kind: process.wasm\n    fs: app:bin\n    path: /wasi_write_quota.wasm\n"
          "    hash: " + quota + "\n    method: _start\n    meta: { command: { name: writer } }\n"
          "    imports: [wasi:cli, wasi:filesystem]\n"
          "    wasi: { mounts: [{ fs: app:data, guest: /data }], max_write_bytes: 200000 }\n");
  p.write("src/parent.lua", R"(
    return { main = function()
      process.spawn_monitored("app:child", "app:processes", process.pid())
      local ev
      repeat ev = process.receive() until ev.type == "EXIT"
      return ev.value
    end })");
  // Runs on app:processes: its limits apply to what it sends.
  p.write("src/child.lua", R"(
    return { main = function(parent)
      assert(process.send(parent, "ok", { { 1 } }))
      local _, deep = pcall(process.send, parent, "x", { { { 1 } } })
      local _, large = pcall(process.send, parent, "x", string.rep("a", 20000))
      return deep .. "\n" .. large
    end })");

  auto r = p.run({"run", "parent"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out,
            "message nested too deeply: more than 2 levels (max_message_depth 2) at payload[1][1]\n"
            "message too large: more than 10000 bytes (max_message_bytes 10000) at payload\n");

  r = p.run({"run", "writer"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("write 100000 more: 70000\nwrite 1 more: No space left on device\n"), std::string::npos)
      << r.out;
  EXPECT_EQ(fs::file_size(p.root() / "data" / "a.bin"), 1000u);
}

}  // namespace

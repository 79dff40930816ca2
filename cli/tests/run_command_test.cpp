// `wippy run` reporting: traps name the entry and show the backtrace, WASI commands get
// argv and keep their exit code, `run list` survives unbuilt or stale modules, and
// several terminal hosts need --host.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "cli/tests/project.h"

namespace {

using wippy::test::Project;

const char* const kLock = "directories:\n  src: ./src\n";
const char* const kHeader =
    "version: \"1.0\"\nnamespace: app\nentries:\n"
    "  - { name: bin, kind: fs.directory, directory: ./bin }\n";

std::string wasm_command(const std::string& name, const std::string& file, const std::string& hash,
                         const std::string& method, const std::string& rest = "") {
  return "  - name: " + name + "\n    kind: process.wasm\n    fs: app:bin\n    path: /" + file +
         ".wasm\n    hash: " + hash + "\n    method: " + method + "\n    meta: { command: { name: " + name +
         " } }\n" + rest;
}

TEST(RunCommand, TrapNamesTheEntryAndShowsTheBacktrace) {
  Project p;
  p.write("wippy.lock", kLock);
  std::string basic = p.guest("procs_basic");
  p.write("src/_index.yaml", std::string(kHeader) + "  - { name: terminal, kind: terminal.host }\n" +
                                 wasm_command("boom", "procs_basic", basic, "unreachable"));
  auto r = p.run({"run", "boom"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err.rfind("error: app:boom: trap: unreachable\n  at func[", 0), 0u) << r.err;
  EXPECT_NE(r.err.find(" (offset 0x"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.back(), '\n');
}

TEST(RunCommand, WasiCommandGetsArgvAndKeepsItsExitCode) {
  Project p;
  p.write("wippy.lock", kLock);
  std::string env = p.guest("wasi_env_args");
  p.write("src/_index.yaml", std::string(kHeader) + "  - { name: terminal, kind: terminal.host }\n" +
                                 wasm_command("envargs", "wasi_env_args", env, "_start",
                                              "    imports: [wasi:cli]\n    wasi: { args: [fixed] }\n"));
  // argc > 3 makes the guest return 3 from main.
  auto r = p.run({"run", "envargs", "7", "two words"});
  EXPECT_EQ(r.code, 3) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out.rfind("argc=4\nargv[1]=fixed\nargv[2]=7\nargv[3]=two words\n", 0), 0u) << r.out;
  // Without extra arguments it returns 0.
  r = p.run({"run", "envargs"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("argc=2\nargv[1]=fixed\n", 0), 0u) << r.out;
}

TEST(RunCommand, ListSurvivesMissingAndStaleModules) {
  Project p;
  p.write("wippy.lock", kLock);
  std::string env = p.guest("wasi_env_args");
  std::string stale = "sha256:" + std::string(64, '0');
  p.write("src/_index.yaml",
          std::string(kHeader) + "  - { name: terminal, kind: terminal.host }\n" +
              wasm_command("good", "wasi_env_args", env, "_start", "    imports: [wasi:cli]\n") +
              wasm_command("stale", "wasi_env_args", stale, "_start", "    imports: [wasi:cli]\n") +
              wasm_command("unbuilt", "not_built_yet", env, "_start", "    imports: [wasi:cli]\n") +
              "  - { name: hello, kind: process.lua, source: file://hello.lua, method: main,"
              " meta: { command: { name: hello, short: Says hello } } }\n");
  p.write("src/hello.lua", "return { main = function() return 'hi' end }\n");
  auto r = p.run({"run", "list"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out,
            "NAME     DESCRIPTION  ENTRY\n"
            "good                  app:good\n"
            "hello    Says hello   app:hello\n"
            "stale                 app:stale  (hash mismatch)\n"
            "unbuilt               app:unbuilt  (module missing)\n");
  // Running still verifies every module: the bad ones stop the run with their reason.
  r = p.run({"run", "hello"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("entry app:unbuilt: path: module file not found"), std::string::npos) << r.err;
}

TEST(RunCommand, SeveralTerminalHostsNeedHost) {
  Project p;
  p.write("wippy.lock", kLock);
  std::filesystem::create_directories(p.root() / "bin");
  p.write("src/_index.yaml",
          std::string(kHeader) +
              "  - { name: term_a, kind: terminal.host }\n"
              "  - { name: term_b, kind: terminal.host }\n"
              "  - { name: hello, kind: process.lua, source: file://hello.lua, method: main,"
              " meta: { command: { name: hello } } }\n");
  p.write("src/hello.lua", "return { main = function() return 'hi' end }\n");
  auto r = p.run({"run", "hello"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            "wippy: this project has 2 terminal.host entries (app:term_a, app:term_b): "
            "choose one with --host <id>\n");
  r = p.run({"run", "--host", "app:term_b", "hello"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "hi\n");
  r = p.run({"run", "--host", "app:nope", "hello"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "wippy: --host app:nope: no terminal.host entry with this ID\n");
}

}  // namespace

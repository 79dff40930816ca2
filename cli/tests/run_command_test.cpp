// `wippy run` reporting: traps name the entry and show the backtrace, WASI commands get
// argv and keep their exit code, `run list` survives unbuilt or stale modules, and
// several terminal hosts need --host.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>
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

// A project whose command `envargs` runs the wasi_env_args guest (it prints argc and
// argv) with wasi:cli and the `extra` lines of its entry.
void write_envargs_project(const Project& p, const std::string& extra = "") {
  p.write("wippy.lock", kLock);
  std::string env = p.guest("wasi_env_args");
  p.write("src/_index.yaml", std::string(kHeader) + "  - { name: terminal, kind: terminal.host }\n" +
                                 wasm_command("envargs", "wasi_env_args", env, "_start",
                                              "    imports: [wasi:cli]\n" + extra));
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
  write_envargs_project(p, "    wasi: { args: [fixed] }\n");
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

TEST(RunCommand, StatsPrintFuelWallTimeAndPeakMemoryPerProcess) {
  Project p;
  write_envargs_project(p);
  auto r = p.run({"run", "--stats", "envargs"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("argc=1\n", 0), 0u) << "stats go to stderr: " << r.out;
  std::istringstream lines(r.err);
  std::string header, row;
  std::getline(lines, header);
  EXPECT_EQ(header.rfind("PID", 0), 0u) << r.err;
  for (const char* column : {"ENTRY", "FUEL", "WALL MS", "PEAK MEMORY"})
    EXPECT_NE(header.find(column), std::string::npos) << header;
  ASSERT_TRUE(std::getline(lines, row)) << r.err;
  std::istringstream cells(row);
  std::string pid, entry;
  uint64_t fuel = 0, memory = 0;
  double wall_ms = -1;
  cells >> pid >> entry >> fuel >> wall_ms >> memory;
  EXPECT_EQ(pid.front(), '{') << row;
  EXPECT_EQ(entry, "app:envargs");
  EXPECT_GT(fuel, 0u) << row;
  EXPECT_GE(wall_ms, 0) << row;
  EXPECT_GT(memory, 0u) << row;
  EXPECT_EQ(memory % 65536, 0u) << "whole WASM pages: " << row;
  EXPECT_FALSE(std::getline(lines, row)) << "one process: " << r.err;

  // Without --stats, nothing on stderr.
  EXPECT_EQ(p.run({"run", "envargs"}).err, "");
}

TEST(RunCommand, TraceNamesTheProcessOfEachWasiCall) {
  Project p;
  write_envargs_project(p);
  setenv("WIPPY_LOG", "trace", 1);
  auto r = p.run({"run", "envargs"});
  unsetenv("WIPPY_LOG");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("wippy: trace: [app:envargs {"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("args_sizes_get("), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("wippy: debug: new process for app:envargs (process.wasm)"), std::string::npos) << r.err;
}

TEST(RunCommand, TraceShowsWasi02CallsOfAComponent) {
  Project p;
  p.write("wippy.lock", kLock);
  std::string hash = p.guest("wasi_env_args.component");
  p.write("src/_index.yaml", std::string(kHeader) + "  - { name: terminal, kind: terminal.host }\n" +
                                 wasm_command("envargs2", "wasi_env_args.component", hash,
                                              "\"wasi:cli/run@0.2.12#run\"",
                                              "    imports: [wasi:cli, wasi:io, wasi:poll, wasi:clocks, wasi:random, wasi:filesystem]\n"
                                              "    wasi: { args: [fixed] }\n"));
  setenv("WIPPY_LOG", "trace", 1);
  auto r = p.run({"run", "envargs2"});
  unsetenv("WIPPY_LOG");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("wippy: trace: [app:envargs2 {"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("wasi:cli/environment@0.2."), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("#get-arguments() -> [\"app:envargs2\", \"fixed\"]"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("wasi:io/streams@0.2."), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("#[method]output-stream."), std::string::npos) << r.err;
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

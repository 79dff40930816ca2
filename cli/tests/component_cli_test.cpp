// Components and WIT-typed core modules through the `wippy` binary: `wippy wasm`
// (--invoke with WAVE values, a command), and projects for `wippy run` (loading,
// typed arguments, Lua values both ways, clear errors).
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "cli/tests/project.h"

namespace {

using wippy::test::ProcessResult;
using wippy::test::Project;

std::string guest(const std::string& name) { return std::string(WIPPY_GUEST_DIR) + "/" + name + ".wasm"; }

ProcessResult wasm(std::vector<std::string> args) {
  args.insert(args.begin(), {WIPPY_CLI, "wasm"});
  return wippy::test::run_process(args);
}

TEST(CliComponent, InvokeReadsAndPrintsWaveValues) {
  ProcessResult r = wasm({guest("faults.component"), "--invoke", "add", "40", "2"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "42\n");
  r = wasm({guest("faults.component"), "--invoke", "echo-users", R"([{name: "ann", age: 3}, {name: "b\u{e9}", age: 4}])"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "[{name: \"ann\", age: 3}, {name: \"b\xc3\xa9\", age: 4}]\n");
  r = wasm({guest("faults.component"), "--invoke", "echo-result", "err(7)"});
  EXPECT_EQ(r.out, "error(7)\n");
}

TEST(CliComponent, InvokeErrors) {
  ProcessResult r = wasm({guest("faults.component"), "--invoke", "add", "1", "x"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "wippy: argument 2 (b: s32): expected s32, got `x` (at character 2)\n");
  r = wasm({guest("faults.component"), "--invoke", "add", "1"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "wippy: parameter count mismatch: expected 2, got 1\n");
  r = wasm({guest("faults.component"), "--invoke", "nope"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err.rfind("wippy: no exported function `nope` (the component exports: add, echo-users", 0), 0u) << r.err;
  r = wasm({guest("faults.component"), "--invoke", "crash"});
  EXPECT_EQ(r.code, 134);
  EXPECT_EQ(r.err.rfind("wippy: trap: unreachable\n", 0), 0u) << r.err;
  r = wasm({guest("faults.component"), "--invoke", "bad-utf8"});
  EXPECT_EQ(r.code, 134);
  EXPECT_EQ(r.err, "wippy: `bad-utf8`: result: string is not valid UTF-8\n");
  r = wasm({guest("faults.component"), "--invoke", "spin", "100000000", "--fuel", "1000"});
  EXPECT_EQ(r.code, 134);
  EXPECT_EQ(r.err.rfind("wippy: trap: fuel exhausted\n", 0), 0u) << r.err;
  r = wasm({guest("faults.component")});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err.rfind("wippy: " + guest("faults.component") + " is a component without a wasi:cli/run export", 0), 0u) << r.err;
}

TEST(CliComponent, ACommandComponentRunsOnTheWasi02Host) {
  // hello.c wrapped with jco's preview1 command adapter: wasi:cli/run, streams, exit.
  ProcessResult r = wasm({guest("hello.component"), "a", "b c"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "hello from wasm\narg 1: a\narg 2: b c\n");
  // WASI 0.2's exit has only ok and err: exit(3) through the adapter is a failure, 1.
  r = wasm({guest("hello.component"), "exit=3"});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_EQ(r.out, "hello from wasm\narg 1: exit=3\n");
}

TEST(CliReactor, InvokeCallsInitializeFirst) {
  ProcessResult r = wasm({guest("reactor"), "--invoke", "ready"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "42\n");
}

void write_project(const Project& p, const std::string& extra_entries = "") {
  p.write("wippy.lock", "directories:\n  src: ./src\n");
  std::string faults = p.guest("faults.component");
  std::string wit_core = p.guest("wit_core");
  auto wasm_entry = [](const std::string& name, const std::string& file, const std::string& hash,
                       const std::string& method, const std::string& rest = "",
                       const std::string& kind = "function.wasm") {
    return "  - name: " + name + "\n    kind: " + kind + "\n    fs: app:bin\n    path: /" + file +
           "\n    hash: " + hash + "\n    method: " + method + "\n" + rest;
  };
  p.write("src/_index.yaml",
          "version: \"1.0\"\nnamespace: app\nentries:\n"
          "  - { name: bin, kind: fs.directory, directory: ./bin }\n"
          "  - { name: terminal, kind: terminal.host }\n"
          "  - { name: processes, kind: process.host, host: { workers: 2 } }\n" +
              wasm_entry("add", "faults.component.wasm", faults, "add", "    meta: { command: { name: add } }\n",
                         "process.wasm") +
              wasm_entry("echo", "faults.component.wasm", faults, "echo-users") +
              wasm_entry("greet", "wit_core.wasm", wit_core, "greet",
                         "    wit: |\n      greet: func(name: string) -> string;\n      sum: func(xs: list<s32>) -> s64;\n") +
              "  - { name: main, kind: process.lua, source: file://main.lua, method: main }\n" + extra_entries);
  p.write("src/main.lua", R"(
    return { main = function()
      local out = {}
      local v, err = funcs.call("app:echo", { { name = "ann", age = 3 } })
      out[#out + 1] = v[1].name .. "/" .. v[1].age
      v, err = funcs.call("app:echo", { { name = "ann", age = 3 }, { name = "bob", age = {} } })
      out[#out + 1] = tostring(err)
      v, err = funcs.call("app:greet", "lua")
      out[#out + 1] = v
      return table.concat(out, "\n")
    end })");
}

TEST(CliComponentProject, RunPassesTypedArgumentsAndLuaValues) {
  Project p;
  write_project(p);
  ProcessResult r = p.run({"run", "add", "40", "2"});
  EXPECT_EQ(r.code, 42) << r.err;  // a number result is the exit code
  // --stats counts the component's core memories.
  r = p.run({"run", "--stats", "add", "40", "2"});
  EXPECT_EQ(r.code, 42) << r.err;
  std::istringstream stats(r.err.substr(r.err.find('\n') + 1));
  std::string pid, entry;
  uint64_t fuel = 0, memory = 0;
  double wall_ms = -1;
  stats >> pid >> entry >> fuel >> wall_ms >> memory;
  EXPECT_EQ(entry, "app:add") << r.err;
  EXPECT_GT(memory, 0u) << r.err;
  EXPECT_EQ(memory % 65536, 0u) << r.err;
  r = p.run({"run", "add", "1", "two"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "wippy: app:add: argument 2 (b: s32): expected s32, got `two` (at character 4)\n");
  r = p.run({"run", "-x", "app:greet", "world"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "hello, world\n");
  r = p.run({"run", "-x", "app:main"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "ann/3\n`echo-users`: expected u8 for users[2].age, got table\nhello, lua\n");
}

TEST(CliComponentProject, LoadErrorsNameTheEntry) {
  Project p;
  std::string faults = p.guest("faults.component");
  std::string hello = p.guest("hello.component");
  write_project(p, "  - { name: missing, kind: function.wasm, fs: app:bin, path: /faults.component.wasm, hash: " +
                       faults + ", method: nope }\n"
                       "  - { name: typed, kind: function.wasm, fs: app:bin, path: /faults.component.wasm, hash: " +
                       faults + ", method: add, wit: \"add: func(a: s32) -> s32;\" }\n"
                       "  - { name: cmd, kind: process.wasm, fs: app:bin, path: /hello.component.wasm, hash: " +
                       hello + ", method: \"wasi:cli/run@0.2.3#run\" }\n"
                       "  - { name: badwit, kind: function.wasm, fs: app:bin, path: /wit_core.wasm, hash: " +
                       p.guest("wit_core") + ", method: greet, wit: \"greet: func(name: strin) -> string;\" }\n");
  ProcessResult r = p.run({"run", "add", "1", "2"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("entry app:missing: method: bin/faults.component.wasm: no exported function `nope` (the component "
                       "exports: add, echo-users"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("entry app:typed: wit: bin/faults.component.wasm is a component, which carries its own WIT types"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("entry app:cmd: imports: the component imports wasi:cli/environment@0.2."), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(", which needs import group wasi:cli; add it to imports"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("entry app:badwit: wit: line 1: unknown type `strin`"), std::string::npos) << r.err;
}

}  // namespace

// The `funcs` import group through the `wippy` binary: a component calls Lua and WASM
// function entries by ID (wippy:runtime/funcs call-string / call-bytes), and every
// failure comes back to it as an err naming the target.
#include <gtest/gtest.h>

#include <string>

#include "cli/tests/project.h"

namespace {

using wippy::test::ProcessResult;
using wippy::test::Project;

// The caller commands run on the terminal host, which has exactly one worker, and
// the callee is spawned on the caller's host: a caller that held its worker while
// waiting would never see its callee run. Every call completing shows it suspended.
void write_project(const Project& p, const std::string& caller_imports = "[funcs]") {
  p.write("wippy.lock", "directories:\n  src: ./src\n");
  std::string hash = p.guest("funcs_caller.component");
  auto wasm = [&](const std::string& name, const std::string& kind, const std::string& method,
                  const std::string& imports, const std::string& rest = "") {
    return "  - { name: " + name + ", kind: " + kind + ", fs: app:bin, path: /funcs_caller.component.wasm, hash: " +
           hash + ", method: " + method + ", imports: " + imports + rest + " }\n";
  };
  p.write("src/_index.yaml",
          "version: \"1.0\"\nnamespace: app\nentries:\n"
          "  - { name: bin, kind: fs.directory, directory: ./bin }\n"
          "  - { name: terminal, kind: terminal.host }\n" +
              wasm("call", "process.wasm", "call", caller_imports, ", meta: { command: { name: call } }") +
              wasm("raw", "process.wasm", "call-raw", caller_imports, ", meta: { command: { name: call-raw } }") +
              wasm("impatient", "process.wasm", "call", caller_imports,
                   ", limits: { max_execution_ms: 300 }, meta: { command: { name: impatient } }") +
              wasm("shout", "function.wasm", "shout", "[funcs]") +
              wasm("relay", "function.wasm", "relay", "[funcs]") +
              "  - { name: upper, kind: function.lua, source: file://f.lua, method: upper }\n"
              "  - { name: fail, kind: function.lua, source: file://f.lua, method: fail }\n"
              "  - { name: number, kind: function.lua, source: file://f.lua, method: number }\n"
              "  - { name: binary, kind: function.lua, source: file://f.lua, method: binary }\n"
              "  - { name: spin, kind: function.lua, source: file://f.lua, method: spin, limits: { fuel: 5000 } }\n"
              "  - { name: forever, kind: function.lua, source: file://f.lua, method: spin }\n"
              "  - { name: svc, kind: process.lua, source: file://f.lua, method: upper }\n");
  std::string core = p.guest("funcs_core");
  for (const char* method : {"call", "call-raw", "bad-range"}) {
    p.write(std::string("src/core_") + method + ".yaml",
            std::string("version: \"1.0\"\nnamespace: core\nentries:\n  - name: ") + method +
                "\n    kind: process.wasm\n    fs: app:bin\n    path: /funcs_core.wasm\n    hash: " + core +
                "\n    method: " + method + "\n    imports: [funcs]\n    meta: { command: { name: core-" + method +
                " } }\n    wit: |\n      call: func(target: string, input: string) -> string;\n"
                "      call-raw: func(target: string, input: string) -> string;\n"
                "      bad-range: func() -> string;\n");
  }
  p.write("src/f.lua", R"(
    return {
      upper = function(s) return s:upper() .. "!" end,
      fail = function(s) error("boom on " .. s) end,
      number = function() return 42 end,
      binary = function() return "\255\0\254" end,
      spin = function() while true do end end,
    })");
}

// Runs `wippy run COMMAND TARGET INPUT`: the command succeeds and prints `out`.
void expect_call(const Project& p, const std::string& command, const std::string& target, const std::string& input,
                 const std::string& out) {
  ProcessResult r = p.run({"run", command, target, input});
  EXPECT_EQ(r.code, 0) << command << " " << target << ": " << r.err;
  EXPECT_EQ(r.out, out) << command << " " << target;
}

TEST(FuncsProject, ACallReachesLuaAndWasmFunctions) {
  Project p;
  write_project(p);
  expect_call(p, "call", "app:upper", "hello", "ok: HELLO!\n");
  expect_call(p, "call", "app:shout", "wasm h\xc3\xa9llo", "ok: WASM H\xc3\xa9LLO\n");
  expect_call(p, "call-raw", "app:binary", "x", "ok: ff00fe\n");
}

TEST(FuncsProject, ACalleeThatCallsWaitsInTurn) {
  // call -> relay (a WASM function that calls in turn) -> upper: two suspended callers
  // and the Lua callee, all on the terminal host's one worker.
  Project p;
  write_project(p);
  ProcessResult r = p.run({"run", "call", "app:relay", "app:upper hi"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "ok: ok: HI!\n");
  r = p.run({"run", "call", "app:relay", "app:nope hi"});
  EXPECT_EQ(r.out, "ok: err: funcs call to app:nope failed: unknown entry: app:nope\n");
}

TEST(FuncsProject, FailuresComeBackAsErrNamingTheTarget) {
  Project p;
  write_project(p);
  struct Case {
    const char* command;
    const char* target;
    std::string out;
  };
  const Case cases[] = {
      {"call", "app:nope", "err: funcs call to app:nope failed: unknown entry: app:nope\n"},
      {"call", "app:svc", "err: funcs call to app:svc failed: app:svc is a process.lua, not a function entry\n"},
      {"call", "app:terminal", "err: funcs call to app:terminal failed: app:terminal is a terminal.host, not a function entry\n"},
      {"call", "app:number", "err: funcs call to app:number failed: it returned integer, not a string\n"},
      {"call", "app:binary", "err: funcs call to app:binary failed: its result is not valid UTF-8\n"},
      {"call-raw", "app:nope", "err: funcs call to app:nope failed: unknown entry: app:nope\n"},
  };
  for (const Case& c : cases) expect_call(p, c.command, c.target, "x", c.out);
  ProcessResult r = p.run({"run", "call", "app:fail", "x"});
  EXPECT_EQ(r.out.rfind("err: funcs call to app:fail failed: ", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("boom on x"), std::string::npos) << r.out;
  // The callee runs with its own entry's limits: its fuel ends it, not the caller.
  r = p.run({"run", "call", "app:spin", "x"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("err: funcs call to app:spin failed: fuel exhausted", 0), 0u) << r.out;
}

TEST(FuncsProject, TheCallersTimeLimitEndsItsWait) {
  // The callee never ends; the caller's max_execution_ms (wall clock, waiting included)
  // ends the caller, and its callee is terminated with it.
  Project p;
  write_project(p);
  ProcessResult r = p.run({"run", "impatient", "app:forever", "x"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("execution time limit exceeded (300 ms)"), std::string::npos) << r.err;
}

TEST(FuncsProject, ACoreModuleCallsThroughPointersAndLengths) {
  Project p;
  write_project(p);
  expect_call(p, "core-call", "app:upper", "core", "ok: CORE!\n");
  expect_call(p, "core-call", "app:shout", "to a component", "ok: TO A COMPONENT\n");
  expect_call(p, "core-call-raw", "app:binary", "x", "ok: ff00fe\n");
  expect_call(p, "core-call", "app:number", "x", "err: funcs call to app:number failed: it returned integer, not a string\n");
  expect_call(p, "core-call", "app:svc", "x",
              "err: funcs call to app:svc failed: app:svc is a process.lua, not a function entry\n");
  ProcessResult r = p.run({"run", "core-bad-range"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("trap: call_string: a range is outside memory"), std::string::npos) << r.err;
}

TEST(FuncsProject, TheImportNeedsTheFuncsGroup) {
  Project p;
  write_project(p, "[wasi:cli]");
  ProcessResult r = p.run({"run", "call", "app:upper", "x"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("entry app:call: imports: the component imports wippy:runtime/funcs@0.1.0, which needs import "
                       "group funcs; add it to imports"),
            std::string::npos)
      << r.err;
}

}  // namespace

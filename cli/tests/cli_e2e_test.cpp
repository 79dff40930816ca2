// End-to-end tests of the `wippy` binary on the test guests.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include "tests/subprocess.h"

using wippy::test::ProcessResult;
using wippy::test::run_process;

namespace {

const std::string kGuests = WIPPY_GUEST_DIR;

ProcessResult wippy(std::vector<std::string> args) {
  args.insert(args.begin(), WIPPY_CLI);
  return run_process(args);
}

ProcessResult wasm(std::vector<std::string> args) {
  args.insert(args.begin(), "wasm");
  return wippy(std::move(args));
}

std::string guest(const char* name) { return kGuests + "/" + name + ".wasm"; }

TEST(CliWasm, HelloPrintsGreetingAndArguments) {
  ProcessResult r = wasm({guest("hello"), "one", "two words"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "hello from wasm\narg 1: one\narg 2: two words\n");
  EXPECT_EQ(r.err, "");
}

TEST(CliWasm, GuestArgumentsThatLookLikeOptionsGoAfterDoubleDash) {
  ProcessResult r = wasm({guest("hello"), "--", "--stats", "-x"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "hello from wasm\narg 1: --stats\narg 2: -x\n");
}

TEST(CliWasm, StderrOfTheGuestGoesToStderr) {
  ProcessResult r = wasm({guest("hello"), "stderr"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.err, "to stderr\n");
}

TEST(CliWasm, StdinReachesTheGuest) {
  std::string path = ::testing::TempDir() + "/wippy-stdin.txt";
  std::ofstream(path, std::ios::binary) << "line one\nline two\n";
  ProcessResult r = run_process({WIPPY_CLI, "wasm", guest("hello"), "cat"}, path);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "hello from wasm\narg 1: cat\nline one\nline two\n");
  std::remove(path.c_str());
}

TEST(CliWasm, ExitCodeComesFromProcExit) {
  ProcessResult r = wasm({guest("hello"), "exit=7"});
  EXPECT_EQ(r.code, 7) << r.err;
  EXPECT_EQ(r.out, "hello from wasm\narg 1: exit=7\n");
  EXPECT_EQ(wasm({guest("hello"), "exit=42"}).code, 42);
  EXPECT_EQ(wasm({guest("hello"), "exit=256"}).code, 255) << "never truncated to 0";
}

TEST(CliWasm, InvokeConvertsArgumentsAndPrintsResults) {
  auto inv = [](std::vector<std::string> a) {
    a.insert(a.begin(), {guest("funcs"), "--invoke"});
    return wasm(a);
  };
  ProcessResult r = inv({"add", "2", "3"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "5\n");
  EXPECT_EQ(inv({"add", "-1", "-2"}).out, "-3\n");
  EXPECT_EQ(inv({"add", "2147483647", "1"}).out, "-2147483648\n");
  EXPECT_EQ(inv({"add", "4294967295", "0"}).out, "-1\n");
  EXPECT_EQ(inv({"add64", "-5", "3"}).out, "-2\n");
  EXPECT_EQ(inv({"add64", "9223372036854775807", "1"}).out, "-9223372036854775808\n");
  EXPECT_EQ(inv({"fac", "20"}).out, "2432902008176640000\n");
  EXPECT_EQ(inv({"mulf32", "1.5", "-2"}).out, "-3\n");
  EXPECT_EQ(inv({"mulf32", "0.1", "1"}).out, "0.1\n");
  EXPECT_EQ(inv({"divf64", "1", "3"}).out, "0.3333333333333333\n");
  EXPECT_EQ(inv({"divf64", "1", "0"}).out, "inf\n");
  EXPECT_EQ(inv({"swap", "1", "-2"}).out, "-2\n1\n");
  ProcessResult none = inv({"nothing"});
  EXPECT_EQ(none.code, 0);
  EXPECT_EQ(none.out, "");
  // Options may come before or after the arguments.
  EXPECT_EQ(wasm({"--invoke=add", guest("funcs"), "--fuel", "1000", "40", "2"}).out, "42\n");
}

TEST(CliWasm, TrapsPrintMessageAndExitWith134) {
  ProcessResult r = wasm({guest("funcs"), "--invoke", "div_s", "1", "0"});
  EXPECT_EQ(r.code, 134) << "128 + SIGABRT, as wasmtime: not a guest's exit code 1";
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("wippy: trap: integer divide by zero"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("div_s"), std::string::npos) << "backtrace names the function: " << r.err;

  ProcessResult rec = wasm({guest("funcs"), "--invoke", "recurse", "0"});
  EXPECT_EQ(rec.code, 134);
  EXPECT_NE(rec.err.find("wippy: trap: call stack exhausted"), std::string::npos) << rec.err;
}

TEST(CliWasm, FuelLimitTraps) {
  ProcessResult r = wasm({guest("funcs"), "--invoke", "loop", "--fuel", "100000"});
  EXPECT_EQ(r.code, 134);
  EXPECT_NE(r.err.find("wippy: trap: fuel exhausted"), std::string::npos) << r.err;
  // The same limit in small slices.
  ProcessResult s = wasm({guest("funcs"), "--invoke", "loop", "--fuel", "100000", "--slice", "7"});
  EXPECT_EQ(s.code, 134);
  EXPECT_NE(s.err.find("wippy: trap: fuel exhausted"), std::string::npos) << s.err;
}

TEST(CliWasm, StatsGoToStderr) {
  ProcessResult r = wasm({guest("funcs"), "--invoke", "fac", "10", "--stats"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "3628800\n");
  EXPECT_NE(r.err.find("fuel consumed: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("wall time: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("peak value-stack cells: "), std::string::npos) << r.err;
}

TEST(CliWasm, ErrorsExitWithTwo) {
  ProcessResult missing = wasm({kGuests + "/does-not-exist.wasm"});
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.err.find("cannot read"), std::string::npos) << missing.err;
  EXPECT_NE(missing.err.find("No such file"), std::string::npos) << missing.err;

  ProcessResult count = wasm({guest("funcs"), "--invoke", "add", "1"});
  EXPECT_EQ(count.code, 2);
  EXPECT_EQ(count.err, "wippy: parameter count mismatch: expected 2, got 1\n");

  ProcessResult bad = wasm({guest("funcs"), "--invoke", "add", "x", "1"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_EQ(bad.err, "wippy: invalid i32 argument 'x'\n");

  ProcessResult range = wasm({guest("funcs"), "--invoke", "add", "4294967296", "1"});
  EXPECT_EQ(range.code, 2);

  ProcessResult unknown = wasm({guest("funcs"), "--invoke", "nope"});
  EXPECT_EQ(unknown.code, 2);
  EXPECT_EQ(unknown.err, "wippy: unknown export: nope\n");

  ProcessResult not_func = wasm({guest("funcs"), "--invoke", "memory"});
  EXPECT_EQ(not_func.code, 2);

  ProcessResult no_start = wasm({guest("funcs")});
  EXPECT_EQ(no_start.code, 2);
  EXPECT_NE(no_start.err.find("_start"), std::string::npos) << no_start.err;

  ProcessResult opt = wasm({guest("hello"), "--bogus"});
  EXPECT_EQ(opt.code, 2);
  EXPECT_NE(opt.err.find("unknown option --bogus"), std::string::npos) << opt.err;

  ProcessResult nofile = wasm({});
  EXPECT_EQ(nofile.code, 2);
}

TEST(CliWasm, MalformedModuleIsReportedWithOffset) {
  std::string path = ::testing::TempDir() + "/wippy-malformed.wasm";
  {
    std::ofstream f(path, std::ios::binary);
    f << std::string("\0asm\x01\x00\x00\x00\x01\x05", 10);  // type section cut short
  }
  ProcessResult r = wasm({path});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err.rfind("wippy: " + path + ": ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("at byte"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;

  std::ofstream(path, std::ios::binary) << "not wasm at all";
  ProcessResult r2 = wasm({path});
  EXPECT_EQ(r2.code, 2);
  std::remove(path.c_str());
}

TEST(CliWasm, ChecksumMatchesTheNativeBuild) {
  ProcessResult native = run_process({WIPPY_CHECKSUM_NATIVE, "20000"});
  ASSERT_EQ(native.code, 0);
  ASSERT_EQ(native.out.rfind("checksum: ", 0), 0u) << native.out;
  ProcessResult r = wasm({guest("checksum"), "20000"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, native.out);
  ProcessResult sliced = wasm({guest("checksum"), "20000", "--slice", "1000"});
  EXPECT_EQ(sliced.out, native.out);
}

TEST(Cli, UnknownCommandAndUsage) {
  ProcessResult r = wippy({"frobnicate"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "wippy: unknown command 'frobnicate'; try --help\n");
  EXPECT_EQ(wippy({}).code, 2);
  ProcessResult help = wippy({"--help"});
  EXPECT_EQ(help.code, 0);
  EXPECT_NE(help.out.find("wasm [OPTIONS] FILE.wasm"), std::string::npos);
  ProcessResult wasm_help = wasm({"--help"});
  EXPECT_EQ(wasm_help.code, 0);
  EXPECT_NE(wasm_help.out.find("--invoke NAME"), std::string::npos);
}

// Sets an environment variable for the child processes of one test.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) { setenv(name, value, 1); }
  ~ScopedEnv() { unsetenv(name_); }

 private:
  const char* name_;
};

TEST(Cli, VersionComesFromTheVersionFile) {
  ProcessResult r = wippy({"--version"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, std::string("wippy ") + WIPPY_VERSION + "\n");
}

TEST(Cli, HelpCommand) {
  ProcessResult r = wippy({"help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("usage: wippy"), std::string::npos) << r.out;
  ProcessResult w = wippy({"help", "wasm"});
  EXPECT_EQ(w.code, 0);
  EXPECT_NE(w.out.find("--max-memory SIZE"), std::string::npos) << w.out;
  ProcessResult run = wippy({"help", "run"});
  EXPECT_EQ(run.code, 0);
  EXPECT_NE(run.out.find("--stats"), std::string::npos) << run.out;
  ProcessResult bad = wippy({"help", "frob"});
  EXPECT_EQ(bad.code, 2);
}

TEST(Cli, BadCommandLinesAreOneLineEndingInTryHelp) {
  const std::vector<std::vector<std::string>> cases = {
      {"--bogus"},
      {"wasm", guest("hello"), "--bogus"},
      {"wasm", "--dir", "::/x", guest("hello")},
      {"wasm", "--fuel", "many", guest("hello")},
      {"wasm", "--timeout", "5", guest("hello")},
      {"wasm"},
      {"run", "--bogus", "x"},
      {"run", "--host"},
      {"run"},
  };
  for (const auto& args : cases) {
    ProcessResult r = wippy(args);
    EXPECT_EQ(r.code, 2) << args.back();
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_TRUE(r.err.size() > 13 && r.err.compare(r.err.size() - 13, 13, "; try --help\n") == 0) << r.err;
  }
  EXPECT_EQ(wasm({guest("hello"), "--bogus"}).err,
            "wippy wasm: unknown option --bogus (guest arguments that start with - go after --); try --help\n");
}

TEST(CliWasm, MaxMemoryLimitsGrowth) {
  EXPECT_EQ(wasm({"--max-memory", "128K", "--invoke", "grow", guest("funcs"), "1"}).out, "1\n");
  EXPECT_EQ(wasm({"--max-memory", "128K", "--invoke", "grow", guest("funcs"), "2"}).out, "-1\n");
  EXPECT_EQ(wasm({"--invoke", "grow", guest("funcs"), "2"}).out, "1\n");
}

TEST(CliWasm, TimeoutTrapsARunawayGuest) {
  ProcessResult r = wasm({"--timeout", "20ms", "--invoke", "loop", guest("funcs")});
  EXPECT_EQ(r.code, 134);
  EXPECT_EQ(r.err.rfind("wippy: trap: execution time limit exceeded (20 ms)\n", 0), 0u) << r.err;
  // A limit beyond what the clock counts (about 292 years) is no limit, never an overflow.
  EXPECT_EQ(wasm({"--timeout", "18446744073709551615ms", "--invoke", "add", guest("funcs"), "1", "2"}).out, "3\n");
  ProcessResult cmd = wasm({"--timeout", "1m", guest("hello"), "x"});
  EXPECT_EQ(cmd.code, 0) << cmd.err;
  EXPECT_EQ(cmd.out, "hello from wasm\narg 1: x\n");
}

TEST(CliWasm, EnvOptionReachesTheGuest) {
  ScopedEnv host("WIPPY_E2E_FROM_HOST", "hv");
  ProcessResult r = wasm({"--env", "A=1", "--env", "WIPPY_E2E_FROM_HOST", guest("wasi_env_args")});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("env A=1\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("env WIPPY_E2E_FROM_HOST=hv\n"), std::string::npos) << r.out;
}

TEST(CliLog, TraceLogsEachWasiCall) {
  ScopedEnv level("WIPPY_LOG", "trace");
  ProcessResult r = wasm({guest("hello"), "x"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "hello from wasm\narg 1: x\n") << "the trace goes to stderr only";
  EXPECT_NE(r.err.find("wippy: trace: [" + guest("hello") + "] args_sizes_get("), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("] fd_write(1, "), std::string::npos) << r.err;
}

TEST(CliLog, LevelsFilter) {
  {
    ScopedEnv level("WIPPY_LOG", "debug");
    EXPECT_EQ(wasm({guest("hello"), "x"}).err, "") << "debug has no WASI trace";
  }
  {
    ScopedEnv level("WIPPY_LOG", "off");
    EXPECT_EQ(wasm({guest("hello"), "x"}).err, "");
  }
  ScopedEnv level("WIPPY_LOG", "loud");
  ProcessResult r = wasm({guest("hello"), "x"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.err, "wippy: WIPPY_LOG=loud is not a level (trace, debug, info, warn, error, off)\n");
}

}  // namespace

// The fuel contract of issue 10 on `wippy wasm`, for the regression guests in
// tests/fuel/ and the C checksum guest: for any budget slicing the result, the trap and
// the fuel consumed are the same, and a run that consumes F units with no limit gives
// the same outcome under `--fuel F` and traps with 'fuel exhausted' under `--fuel F-1`
// (at the same point whatever the slicing).
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tests/subprocess.h"

using wippy::test::ProcessResult;
using wippy::test::run_process;

namespace {

const std::string kGuests = WIPPY_GUEST_DIR;

// Budget sizes tried on every case: tiny ones put a slice boundary inside every segment.
const std::vector<int> kSlices = {1, 2, 3, 5, 7, 13, 100, 10000, 1000000};

// One run's observable outcome.
struct Outcome {
  int code = -1;
  std::string out;
  std::string trap;           // the message after "wippy: trap: ", empty if none
  std::optional<uint64_t> fuel;  // from --stats

  std::string describe() const {
    std::string s = "exit " + std::to_string(code) + ", stdout '" + out + "'";
    if (!trap.empty()) s += ", trap '" + trap + "'";
    s += ", fuel " + (fuel ? std::to_string(*fuel) : std::string("?"));
    return s;
  }
};

std::optional<uint64_t> number_after(const std::string& text, const std::string& label) {
  size_t at = text.find(label);
  if (at == std::string::npos) return std::nullopt;
  return std::stoull(text.substr(at + label.size()));
}

std::string line_after(const std::string& text, const std::string& label) {
  size_t at = text.find(label);
  if (at == std::string::npos) return "";
  at += label.size();
  return text.substr(at, text.find('\n', at) - at);
}

// `wippy wasm GUEST --stats EXTRA... WORDS...` (WORDS: --invoke NAME ARGS or the
// arguments of a WASI command; none starts with '-').
Outcome run_wasm(const std::string& guest, const std::vector<std::string>& words,
                 const std::vector<std::string>& extra) {
  std::vector<std::string> argv = {WIPPY_CLI, "wasm", kGuests + "/" + guest + ".wasm", "--stats"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.insert(argv.end(), words.begin(), words.end());
  ProcessResult r = run_process(argv);
  return {r.code, r.out, line_after(r.err, "wippy: trap: "), number_after(r.err, "fuel consumed: ")};
}

std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// Checks the whole contract for one call; returns the fuel of the unlimited run.
uint64_t expect_fuel_contract(const std::string& guest, const std::vector<std::string>& words,
                              const std::vector<std::string>& base_extra = {}) {
  SCOPED_TRACE(guest + " " + ::testing::PrintToString(words));
  Outcome base = run_wasm(guest, words, base_extra);
  EXPECT_TRUE(base.fuel.has_value()) << base.describe();
  if (!base.fuel) return 0;
  uint64_t f = *base.fuel;
  auto same_as_base = [&](const Outcome& o) {
    return o.code == base.code && o.out == base.out && o.trap == base.trap && o.fuel == base.fuel;
  };
  for (int s : kSlices) {
    Outcome o = run_wasm(guest, words, with(base_extra, {"--slice", std::to_string(s)}));
    EXPECT_TRUE(same_as_base(o)) << "--slice " << s << ": " << o.describe() << "\nunsliced: " << base.describe();
  }
  if (f < 2) return f;  // --fuel 0 means no limit
  Outcome at_limit = run_wasm(guest, words, with(base_extra, {"--fuel", std::to_string(f)}));
  EXPECT_TRUE(same_as_base(at_limit)) << "--fuel " << f << ": " << at_limit.describe()
                                      << "\nunlimited: " << base.describe();
  Outcome short_unsliced = run_wasm(guest, words, with(base_extra, {"--fuel", std::to_string(f - 1)}));
  EXPECT_EQ(short_unsliced.trap, "fuel exhausted") << "--fuel " << f - 1 << ": " << short_unsliced.describe();
  EXPECT_EQ(short_unsliced.code, 134) << "a trap";
  EXPECT_LE(short_unsliced.fuel.value_or(UINT64_MAX), f - 1) << short_unsliced.describe();
  for (int s : {1, 7}) {
    Outcome o = run_wasm(guest, words, with(base_extra, {"--fuel", std::to_string(f - 1), "--slice", std::to_string(s)}));
    EXPECT_TRUE(o.code == short_unsliced.code && o.out == short_unsliced.out && o.trap == short_unsliced.trap &&
                o.fuel == short_unsliced.fuel)
        << "--fuel " << f - 1 << " --slice " << s << ": " << o.describe() << "\nunsliced: " << short_unsliced.describe();
  }
  return f;
}

Outcome invoke(const std::string& guest, const std::vector<std::string>& call,
               const std::vector<std::string>& extra = {}) {
  return run_wasm(guest, with({"--invoke"}, call), extra);
}

TEST(FuelContract, Issue10MinimalCase) {
  Outcome base = invoke("fuel_issue10_minimal", {"f"});
  EXPECT_EQ(base.code, 0) << base.describe();
  EXPECT_EQ(base.out, "7\n");
  EXPECT_EQ(base.fuel, 6u);
  Outcome sliced = invoke("fuel_issue10_minimal", {"f"}, {"--slice", "1"});
  EXPECT_EQ(sliced.out, "7\n") << sliced.describe();
  EXPECT_EQ(sliced.fuel, 6u) << sliced.describe();
  Outcome at_limit = invoke("fuel_issue10_minimal", {"f"}, {"--fuel", "6"});
  EXPECT_EQ(at_limit.out, "7\n") << at_limit.describe();
  Outcome short_limit = invoke("fuel_issue10_minimal", {"f"}, {"--fuel", "5"});
  EXPECT_EQ(short_limit.code, 134) << short_limit.describe();
  EXPECT_EQ(short_limit.trap, "fuel exhausted") << short_limit.describe();
  expect_fuel_contract("fuel_issue10_minimal", {"--invoke", "f"});
}

TEST(FuelContract, EarlyExitsFromSegments) {
  for (const char* arg : {"0", "1"}) {
    expect_fuel_contract("fuel_paths", {"--invoke", "early_return", arg});
    expect_fuel_contract("fuel_paths", {"--invoke", "br_if_out", arg});
  }
  for (const char* arg : {"0", "1", "2", "9"}) expect_fuel_contract("fuel_paths", {"--invoke", "br_table", arg});
}

TEST(FuelContract, TrapsInsideSegments) {
  EXPECT_EQ(invoke("fuel_paths", {"trap_mid_segment", "1"}).trap, "integer divide by zero");
  expect_fuel_contract("fuel_paths", {"--invoke", "trap_mid_segment", "1"});
  EXPECT_EQ(invoke("fuel_paths", {"trap_in_callee"}).trap, "unreachable");
  expect_fuel_contract("fuel_paths", {"--invoke", "trap_in_callee"});
  for (const char* arg : {"0", "1", "2"}) expect_fuel_contract("fuel_paths", {"--invoke", "indirect", arg});
  EXPECT_EQ(invoke("fuel_paths", {"indirect", "0"}).out, "8\n");
}

TEST(FuelContract, LoopsAndCalls) {
  EXPECT_EQ(invoke("fuel_paths", {"loop_sum", "100"}).out, "5050\n");
  expect_fuel_contract("fuel_paths", {"--invoke", "loop_sum", "100"});
  EXPECT_EQ(invoke("fuel_paths", {"fac", "10"}).out, "3628800\n");
  expect_fuel_contract("fuel_paths", {"--invoke", "fac", "10"});
}

// Found by the differential harness (tests/differential, seed 3, export func_9).
TEST(FuelContract, LoopWithCallAndEarlyReturn) {
  Outcome base = invoke("fuel_paths", {"countdown"});
  EXPECT_EQ(base.out, "0\n") << base.describe();
  expect_fuel_contract("fuel_paths", {"--invoke", "countdown"});
}

TEST(FuelContract, BulkMemoryCostsByLength) {
  // The issue's memory.fill case trapped at budgets of 100, 10,000 and 1,000,000.
  for (const char* n : {"0", "1", "100", "10000", "65536", "1000000"})
    expect_fuel_contract("fuel_paths", {"--invoke", "memory_fill", n});
  for (const char* n : {"0", "100", "4096"}) expect_fuel_contract("fuel_paths", {"--invoke", "memory_copy", n});
  expect_fuel_contract("fuel_paths", {"--invoke", "memory_init", "36"});
  EXPECT_EQ(invoke("fuel_paths", {"memory_fill_oob"}).trap, "out of bounds memory access");
  expect_fuel_contract("fuel_paths", {"--invoke", "memory_fill_oob"});
}

TEST(FuelContract, FailedGrowReturnsMinusOneUnderALimit) {
  for (const char* name : {"memory_grow_fail", "table_grow_fail"}) {
    Outcome o = invoke("fuel_paths", {name}, {"--fuel", "100"});
    EXPECT_EQ(o.code, 0) << name << ": " << o.describe();
    EXPECT_EQ(o.out, "-1\n") << name << ": " << o.describe();
    expect_fuel_contract("fuel_paths", {"--invoke", name});
  }
}

// A C program built with clang -O2 (a WASI command) trapped at budgets 1 to 14.
TEST(FuelContract, CProgramUnderEverySmallBudget) {
  Outcome base = run_wasm("checksum", {"20"}, {});
  ASSERT_EQ(base.code, 0) << base.describe();
  for (int s = 1; s <= 14; s++) {
    Outcome o = run_wasm("checksum", {"20"}, {"--slice", std::to_string(s)});
    EXPECT_EQ(o.code, 0) << "--slice " << s << ": " << o.describe();
    EXPECT_EQ(o.out, base.out) << "--slice " << s;
    EXPECT_EQ(o.fuel, base.fuel) << "--slice " << s;
  }
  expect_fuel_contract("checksum", {"20"});
}

}  // namespace

// Unit tests of `wippy wasm` option parsing and value conversion.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdlib>

#include "cli/wasm_args.h"

using wippy::cli::format_value;
using wippy::cli::parse_value;
using wippy::cli::parse_wasm_options;
using wippy::cli::UsageError;
using wippy::engine::ValType;

namespace {

wippy::cli::WasmOptions parse(std::vector<std::string> w) { return parse_wasm_options(w); }

TEST(WasmArgs, OptionsAnywhere) {
  auto o = parse({"--fuel", "100", "m.wasm", "-5", "--invoke", "f", "2.5", "--slice=10", "--stats"});
  EXPECT_EQ(o.file, "m.wasm");
  EXPECT_EQ(o.invoke, "f");
  EXPECT_EQ(o.args, (std::vector<std::string>{"-5", "2.5"}));
  EXPECT_EQ(o.fuel, 100u);
  EXPECT_EQ(o.slice, 10);
  EXPECT_TRUE(o.stats);
}

TEST(WasmArgs, DoubleDashEndsOptions) {
  auto o = parse({"m.wasm", "--", "--fuel", "x"});
  EXPECT_EQ(o.args, (std::vector<std::string>{"--fuel", "x"}));
  EXPECT_EQ(o.fuel, 0u);
}

TEST(WasmArgs, Errors) {
  EXPECT_THROW(parse({}), UsageError);
  EXPECT_THROW(parse({"m.wasm", "--fuel"}), UsageError);
  EXPECT_THROW(parse({"m.wasm", "--fuel", "-1"}), UsageError);
  EXPECT_THROW(parse({"m.wasm", "--slice", "0"}), UsageError);
  EXPECT_THROW(parse({"m.wasm", "--what"}), UsageError);
  EXPECT_TRUE(parse({"--help"}).help);
}

TEST(WasmArgs, OptionsBeforeTheModuleAsInWasmtime) {
  auto o = parse({"--dir", "/tmp::/data", "--env", "A=1", "--fuel", "5", "--max-memory", "16M", "--timeout", "2s",
                  "m.wasm", "x", "-y"});
  EXPECT_EQ(o.file, "m.wasm");
  EXPECT_EQ(o.args, (std::vector<std::string>{"x", "-y"})) << "a single-dash word is the guest's";
  ASSERT_EQ(o.mounts.size(), 1u);
  EXPECT_EQ(o.mounts[0].host, "/tmp");
  EXPECT_EQ(o.mounts[0].guest, "/data");
  EXPECT_FALSE(o.mounts[0].read_only);
  EXPECT_EQ(o.env, (std::vector<std::string>{"A=1"}));
  EXPECT_EQ(o.fuel, 5u);
  EXPECT_EQ(o.max_memory_pages, 256u);
  EXPECT_EQ(o.timeout_ms, 2000u);
}

TEST(WasmArgs, DirForms) {
  auto o = parse({"--dir", "data", "--dir=a::b/", "--ro-dir", "/r::/", "m.wasm"});
  ASSERT_EQ(o.mounts.size(), 3u);
  EXPECT_EQ(o.mounts[0].guest, "/data") << "GUEST defaults to HOST, made absolute";
  EXPECT_EQ(o.mounts[1].host, "a");
  EXPECT_EQ(o.mounts[1].guest, "/b") << "no trailing slash";
  EXPECT_EQ(o.mounts[2].guest, "/");
  EXPECT_TRUE(o.mounts[2].read_only);
  for (const char* bad : {"", "::/g", "a::", "::"}) {
    try {
      parse({"--dir", bad, "m.wasm"});
      ADD_FAILURE() << "accepted --dir '" << bad << "'";
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find("--dir needs HOST[::GUEST]"), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(parse({"m.wasm", "--dir"}), UsageError);
}

TEST(WasmArgs, EnvNameAloneTakesTheHostValue) {
  setenv("WIPPY_ARGS_TEST_VAR", "from host", 1);
  unsetenv("WIPPY_ARGS_TEST_UNSET");
  auto o = parse({"--env", "WIPPY_ARGS_TEST_VAR", "--env", "WIPPY_ARGS_TEST_UNSET", "--env", "B=", "m.wasm"});
  EXPECT_EQ(o.env, (std::vector<std::string>{"WIPPY_ARGS_TEST_VAR=from host", "B="}));
  EXPECT_THROW(parse({"--env", "=x", "m.wasm"}), UsageError);
  EXPECT_THROW(parse({"--env", "", "m.wasm"}), UsageError);
  unsetenv("WIPPY_ARGS_TEST_VAR");
}

TEST(WasmArgs, SizesAndDurations) {
  EXPECT_EQ(parse({"--max-memory", "65536", "m"}).max_memory_pages, 1u);
  EXPECT_EQ(parse({"--max-memory", "128KiB", "m"}).max_memory_pages, 2u);
  EXPECT_EQ(parse({"--max-memory", "1G", "m"}).max_memory_pages, 16384u);
  EXPECT_EQ(parse({"--max-memory", "64G", "m"}).max_memory_pages, 65536u) << "capped at 4 GiB";
  for (const char* bad : {"0", "1000", "12X", "K", "-1", "99999999999999999999G"})
    EXPECT_THROW(parse({"--max-memory", bad, "m"}), UsageError) << bad;
  EXPECT_EQ(parse({"--timeout", "250ms", "m"}).timeout_ms, 250u);
  EXPECT_EQ(parse({"--timeout", "1m", "m"}).timeout_ms, 60000u);
  for (const char* bad : {"0s", "5", "1h", "s", "1.5s"}) EXPECT_THROW(parse({"--timeout", bad, "m"}), UsageError) << bad;
  EXPECT_THROW(parse({"--no-fuel-metering", "--timeout", "1s", "m"}), UsageError);
}

TEST(WasmArgs, BracketedValuesStayWhole) {
  auto o = parse({"m", "--invoke", "f", "[1, 2]", "[{a: 1}, {a: 2}]", "--", "[x,y]"});
  EXPECT_EQ(o.args, (std::vector<std::string>{"[1, 2]", "[{a: 1}, {a: 2}]", "[x,y]"}));
}

TEST(WasmArgs, RepeatedOptionTheLastCounts) {
  auto o = parse({"--fuel", "1", "--fuel=2", "--invoke", "a", "--invoke", "b", "m"});
  EXPECT_EQ(o.fuel, 2u);
  EXPECT_EQ(o.invoke, "b");
}

TEST(WasmArgs, UnknownOptionMessageIsOneLine) {
  try {
    parse({"m.wasm", "--what"});
    ADD_FAILURE();
  } catch (const UsageError& e) {
    EXPECT_EQ(std::string(e.what()), "unknown option --what (guest arguments that start with - go after --)");
  }
  try {
    parse({"m.wasm", "--fuel"});
    ADD_FAILURE();
  } catch (const UsageError& e) {
    EXPECT_EQ(std::string(e.what()), "option --fuel needs a value");
  }
}

TEST(WasmArgs, Integers) {
  EXPECT_EQ(parse_value(ValType::I32, "-1"), 0xffffffffu);
  EXPECT_EQ(parse_value(ValType::I32, "4294967295"), 0xffffffffu);
  EXPECT_EQ(parse_value(ValType::I32, "-2147483648"), 0x80000000u);
  EXPECT_EQ(parse_value(ValType::I32, "0x10"), 16u);
  EXPECT_THROW(parse_value(ValType::I32, "4294967296"), UsageError);
  EXPECT_THROW(parse_value(ValType::I32, "-2147483649"), UsageError);
  EXPECT_THROW(parse_value(ValType::I32, "1.5"), UsageError);
  EXPECT_THROW(parse_value(ValType::I32, ""), UsageError);
  EXPECT_EQ(parse_value(ValType::I64, "-9223372036854775808"), 0x8000000000000000u);
  EXPECT_EQ(parse_value(ValType::I64, "18446744073709551615"), ~uint64_t{0});
  EXPECT_THROW(parse_value(ValType::I64, "18446744073709551616"), UsageError);
  EXPECT_THROW(parse_value(ValType::I64, "-9223372036854775809"), UsageError);
}

TEST(WasmArgs, Floats) {
  EXPECT_EQ(parse_value(ValType::F32, "1.5"), std::bit_cast<uint32_t>(1.5f));
  EXPECT_EQ(parse_value(ValType::F64, "-0.25"), std::bit_cast<uint64_t>(-0.25));
  EXPECT_EQ(parse_value(ValType::F64, "inf"), std::bit_cast<uint64_t>(INFINITY * 1.0));
  EXPECT_EQ(parse_value(ValType::F64, "0x1p-2"), std::bit_cast<uint64_t>(0.25));
  EXPECT_THROW(parse_value(ValType::F32, "1e100"), UsageError);
  EXPECT_THROW(parse_value(ValType::F64, "abc"), UsageError);
  EXPECT_THROW(parse_value(ValType::V128, "0"), UsageError);
}

TEST(WasmArgs, Format) {
  uint64_t c = 0xffffffffu;
  EXPECT_EQ(format_value(ValType::I32, &c), "-1");
  c = 0x8000000000000000u;
  EXPECT_EQ(format_value(ValType::I64, &c), "-9223372036854775808");
  c = std::bit_cast<uint32_t>(0.1f);
  EXPECT_EQ(format_value(ValType::F32, &c), "0.1");
  c = std::bit_cast<uint64_t>(1.0 / 3.0);
  EXPECT_EQ(format_value(ValType::F64, &c), "0.3333333333333333");
  c = std::bit_cast<uint64_t>(std::nan(""));
  EXPECT_EQ(format_value(ValType::F64, &c), "nan");
  c = 0;
  EXPECT_EQ(format_value(ValType::FuncRef, &c), "null");
}

}  // namespace

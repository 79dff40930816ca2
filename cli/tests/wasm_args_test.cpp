// Unit tests of `wippy wasm` option parsing and value conversion.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>

#include "cli/wasm_args.h"

using wippy::cli::format_value;
using wippy::cli::parse_value;
using wippy::cli::parse_wasm_options;
using wippy::cli::UsageError;
using wippy::interp::ValType;

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

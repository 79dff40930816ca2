// procs::Value <-> component::Value by WIT type (design.md section 10): what each
// type takes, and the error for a wrong value at every level of nesting.
#include <gtest/gtest.h>

#include "component/wit.h"
#include "procs/component_values.h"

namespace wippy::procs {
namespace {

namespace cv = component;

const cv::Type& param(const std::string& wit_type) {
  static std::map<std::string, cv::TypePtr> cache;
  auto& f = cache[wit_type];
  if (!f) {
    f = cv::parse_wit_funcs(R"(
      record user { name: string, age: u8, email: option<string> }
      variant shape { circle(f64), rect(tuple<u32, u32>), dot }
      enum color { red, green, blue }
      flags perms { read, write, exec }
      f: func(x: )" + wit_type + ");").at("f");
  }
  return *f->params().at(0).type;
}

std::string lower_error(const std::string& wit_type, const Value& v) {
  try {
    to_component_value(v, param(wit_type), "x");
    return "(accepted)";
  } catch (const ValueError& e) {
    return e.what();
  }
}

Value round_trip(const std::string& wit_type, const Value& v) {
  const cv::Type& t = param(wit_type);
  return from_component_value(to_component_value(v, t, "x"), t, "x");
}

Value map(Value::Map m) { return Value(std::move(m)); }
Value arr(Value::Array a) { return Value(std::move(a)); }

TEST(ComponentValues, EveryKindRoundTrips) {
  EXPECT_EQ(round_trip("bool", Value(true)), Value(true));
  EXPECT_EQ(round_trip("s8", Value(-128)), Value(-128));
  EXPECT_EQ(round_trip("u32", Value(4294967295)), Value(4294967295));
  EXPECT_EQ(round_trip("u32", Value(7.0)), Value(7));  // an integral float counts
  EXPECT_EQ(round_trip("s64", Value(INT64_MIN)), Value(INT64_MIN));
  EXPECT_EQ(round_trip("f32", Value(1.5)), Value(1.5));
  EXPECT_EQ(round_trip("f64", Value(3)), Value(3.0));
  EXPECT_EQ(round_trip("char", Value(0x1F600)), Value(0x1F600));
  EXPECT_EQ(round_trip("string", Value("h\xc3\xa9")), Value("h\xc3\xa9"));
  EXPECT_EQ(round_trip("list<u8>", Value("ab")), arr({Value(97), Value(98)}));
  EXPECT_EQ(round_trip("list<string>", arr({})), arr({}));
  EXPECT_EQ(round_trip("tuple<u8, string>", arr({Value(1), Value("a")})), arr({Value(1), Value("a")}));
  Value u = map({{"name", Value("ann")}, {"age", Value(3)}});
  EXPECT_EQ(round_trip("user", u), map({{"name", Value("ann")}, {"age", Value(3)}, {"email", Value()}}));
  EXPECT_EQ(round_trip("option<u32>", Value()), Value());
  EXPECT_EQ(round_trip("option<u32>", Value(5)), Value(5));
  EXPECT_EQ(round_trip("result<string, u32>", map({{"err", Value(2)}})), map({{"err", Value(2)}}));
  EXPECT_EQ(round_trip("result", map({{"ok", Value(true)}})), map({{"ok", Value(true)}}));
  EXPECT_EQ(round_trip("shape", map({{"circle", Value(1.5)}})), map({{"circle", Value(1.5)}}));
  EXPECT_EQ(round_trip("shape", map({{"dot", Value(true)}})), map({{"dot", Value(true)}}));
  EXPECT_EQ(round_trip("color", Value(2)), Value(2));
  EXPECT_EQ(round_trip("color", Value("green")), Value(1));  // a case name is accepted too
  EXPECT_EQ(round_trip("perms", Value(5)), Value(5));
}

TEST(ComponentValues, WrongValuesNameTheirPlaceAtEveryLevel) {
  EXPECT_EQ(lower_error("string", Value(1)), "expected string for x, got integer");
  EXPECT_EQ(lower_error("bool", Value(0)), "expected bool for x, got integer");
  EXPECT_EQ(lower_error("u8", Value(256)), "expected u8 for x, got 256 (out of range)");
  EXPECT_EQ(lower_error("u64", Value(-1)), "expected u64 for x, got -1 (out of range)");
  EXPECT_EQ(lower_error("s32", Value(1.5)), "expected s32 for x, got number");
  EXPECT_EQ(lower_error("char", Value(0xD800)), "expected char for x, got 55296 (out of range)");
  EXPECT_EQ(lower_error("string", Value("\xff")), "expected string for x, got a string that is not valid UTF-8");
  EXPECT_EQ(lower_error("list<string>", arr({Value("a"), Value(2)})), "expected string for x[2], got integer");
  EXPECT_EQ(lower_error("list<user>", arr({map({{"name", Value("a")}, {"age", Value(1)}}), map({{"name", Value(true)}})})),
            "expected string for x[2].name, got boolean");
  EXPECT_EQ(lower_error("list<user>", arr({map({{"name", Value("a")}})})), "expected u8 for x[1].age, got nil");
  EXPECT_EQ(lower_error("user", map({{"name", Value("a")}, {"age", Value(1)}, {"nmae", Value(1)}})),
            "x: unknown field `nmae` (the fields of record{name, age, email} are: name, age, email)");
  EXPECT_EQ(lower_error("user", map({{"name", Value("a")}, {"age", Value(1)}, {"email", Value(3)}})),
            "expected string for x.email, got integer");
  EXPECT_EQ(lower_error("tuple<u8, string>", arr({Value(1)})), "expected tuple<u8, string> for x, got a table of 1 items");
  EXPECT_EQ(lower_error("tuple<u8, string>", arr({Value(1), Value(2)})), "expected string for x[2], got integer");
  EXPECT_EQ(lower_error("option<list<u8>>", arr({Value(1), Value(-1)})), "expected u8 for x[2], got -1 (out of range)");
  EXPECT_EQ(lower_error("result<string, u32>", map({{"ok", Value(1)}})), "expected string for x.ok, got integer");
  EXPECT_EQ(lower_error("result<string, u32>", map({{"ok", Value("a")}, {"err", Value(1)}})),
            "expected result<string, u32> for x, got a table with 2 keys (give exactly one case: ok, err)");
  EXPECT_EQ(lower_error("shape", map({{"rect", arr({Value(1), Value("2")})}})), "expected u32 for x.rect[2], got string");
  EXPECT_EQ(lower_error("shape", map({{"square", Value(1)}})),
            "x: unknown case `square` (the cases of variant{circle, rect, dot} are: circle, rect, dot)");
  EXPECT_EQ(lower_error("color", Value(3)), "expected enum{red, green, blue} for x, got 3 (out of range)");
  EXPECT_EQ(lower_error("perms", Value(8)), "expected flags{read, write, exec} for x, got 8 (out of range)");
  EXPECT_EQ(lower_error("user", Value("bob")), "expected record{name, age, email} for x, got string");
}

TEST(ComponentValues, AU64AboveInt64MaxHasNoLuaInteger) {
  const cv::Type& t = param("list<u64>");
  cv::Value v = cv::Value::list({cv::Value::u64(1), cv::Value::u64(UINT64_MAX)});
  try {
    from_component_value(v, t, "result");
    FAIL() << "accepted";
  } catch (const ValueError& e) {
    EXPECT_STREQ(e.what(), "result[2]: u64 18446744073709551615 does not fit a Lua integer (above 2^63-1)");
  }
}

TEST(ComponentValues, HugeArgumentsAreRefusedBeforeTheHostAllocatesThem) {
  // 5 MiB as list<u8> would be 5 M values (64 bytes each counted): over 256 MiB.
  EXPECT_EQ(lower_error("list<u8>", Value(std::string(5u << 20, 'x'))),
            "x: the values take more than 256 MiB of host memory (64 bytes a value)");
  EXPECT_EQ(lower_error("list<u8>", Value(std::string(1u << 20, 'x'))), "(accepted)");
}

TEST(ComponentValues, ArgumentCountIsChecked) {
  auto f = cv::parse_wit_funcs("f: func(a: s32, b: string);").at("f");
  std::vector<Value> one{Value(1)};
  EXPECT_THROW(to_component_args(*f, one), ValueError);
  std::vector<Value> two{Value(1), Value("b")};
  EXPECT_EQ(to_component_args(*f, two).size(), 2u);
}

}  // namespace
}  // namespace wippy::procs

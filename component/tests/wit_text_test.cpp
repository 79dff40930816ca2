// The `wit:` reader for core modules (wit.h) and WAVE value text (value_text.h).
#include <gtest/gtest.h>

#include "component/value_text.h"
#include "component/wit.h"

namespace wippy::component {
namespace {

std::string wit_error(const std::string& text) {
  try {
    parse_wit_funcs(text);
    return "(accepted)";
  } catch (const WitError& e) {
    return e.what();
  }
}

TEST(Wit, FunctionsAndInlineTypes) {
  auto funcs = parse_wit_funcs(R"(
    // uses may come before declarations
    export area: func(s: shape) -> f64;
    variant shape { circle(f64), rect(point), dot }
    record point { x: s32, y: s32 }
    enum color { red, green }
    flags perms { read, write }
    type points = list<point>;
    all: func(a: color, b: perms, c: points, d: option<string>, e: result<_, string>, f: tuple<u8, char>) -> result;
    none: func();
  )");
  ASSERT_EQ(funcs.size(), 3u);
  const Type& area = *funcs.at("area");
  EXPECT_EQ(type_name(*area.params().at(0).type), "variant{circle, rect, dot}");
  EXPECT_EQ(type_name(*area.result()), "f64");
  const Type& all = *funcs.at("all");
  EXPECT_EQ(type_name(*all.params().at(2).type), "list<record{x, y}>");
  EXPECT_EQ(type_name(*all.params().at(4).type), "result<_, string>");
  EXPECT_EQ(type_name(*all.result()), "result<_, _>");
  EXPECT_FALSE(funcs.at("none")->result());
  // The layout is the canonical ABI's: a point is 8 bytes, flattened to two i32.
  EXPECT_EQ(all.params().at(2).type->elem->size, 8u);
}

TEST(Wit, ErrorsNameTheLine) {
  EXPECT_EQ(wit_error("f: func(a: s32)"), "line 1: expected `;`, got `end of text`");
  EXPECT_EQ(wit_error("f: func(a: nope);"), "line 1: unknown type `nope`");
  EXPECT_EQ(wit_error("\nf: func(a: s32, a: u8);"), "line 2: duplicate parameter `a`");
  EXPECT_EQ(wit_error("type a = b; type b = a; f: func(x: a);"), "line 1: type `a` refers to itself");
  EXPECT_EQ(wit_error("resource r { }"), "line 1: `resource` is not supported in a core module's wit (only functions and record, variant, enum, flags, type)");
  EXPECT_EQ(wit_error("f: func() -> (a: u32, b: u32);"), "line 1: named results are not supported: return one type (a tuple or a record)");
  EXPECT_EQ(wit_error("f: func(); f: func();"), "line 1: function `f` is declared twice");
  EXPECT_EQ(wit_error("f: func(x: u32) $"), "line 1: unexpected character `$`");
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "list<";
  EXPECT_EQ(wit_error("f: func(x: " + deep + ");"), "line 1: types nested too deeply (limit 100)");
}

const Type& param_of(const std::string& wit_type) {
  static std::map<std::string, TypePtr> cache;
  auto& f = cache[wit_type];
  if (!f) {
    f = parse_wit_funcs("record user { name: string, age: u8, nick: option<string> }\n"
                        "variant shape { circle(f64), dot }\nflags perms { read, write }\n"
                        "f: func(x: " + wit_type + ");").at("f");
  }
  return *f->params().at(0).type;
}

std::string text_round_trip(const std::string& wit_type, const std::string& text) {
  const Type& t = param_of(wit_type);
  return to_string(parse_value_text(text, t), t);
}

std::string text_error(const std::string& wit_type, const std::string& text) {
  try {
    parse_value_text(text, param_of(wit_type));
    return "(accepted)";
  } catch (const ValueTextError& e) {
    return e.what();
  }
}

TEST(ValueText, ReadsWave) {
  EXPECT_EQ(text_round_trip("s32", "-42"), "-42");
  EXPECT_EQ(text_round_trip("u64", "18446744073709551615"), "18446744073709551615");
  EXPECT_EQ(text_round_trip("string", "plain words"), "\"plain words\"");  // bare at the top level
  EXPECT_EQ(text_round_trip("string", R"("a \"q\" \u{e9}")"), "\"a \\\"q\\\" \xc3\xa9\"");
  EXPECT_EQ(text_round_trip("list<user>", R"([{name: "a", age: 1}, {age: 2, name: "b", nick: some("bb")}])"),
            R"([{name: "a", age: 1, nick: none}, {name: "b", age: 2, nick: some("bb")}])");
  EXPECT_EQ(text_round_trip("tuple<u8, char>", "(1, 'x')"), "(1, U+0078)");
  EXPECT_EQ(text_round_trip("result<string, u8>", "err(3)"), "error(3)");
  EXPECT_EQ(text_round_trip("shape", "circle(1.5)"), "circle(1.5)");
  EXPECT_EQ(text_round_trip("perms", "{read, write}"), "{read, write}");
  EXPECT_EQ(text_round_trip("option<bool>", "none"), "none");
}

TEST(ValueText, ErrorsSayWhere) {
  EXPECT_EQ(text_error("u8", "256"), "256 out of range for u8 (at character 4)");
  EXPECT_EQ(text_error("s8", "-129"), "-129 out of range for s8 (at character 5)");
  EXPECT_EQ(text_error("u32", "x"), "expected u32, got `x` (at character 2)");
  EXPECT_EQ(text_error("list<u8>", "[1, 2"), "expected `]` (at character 6)");
  EXPECT_EQ(text_error("user", "{name: \"a\"}"), "field `age` of record{name, age, nick} is missing (at character 12)");
  EXPECT_EQ(text_error("shape", "square"), "`square` is not one of variant{circle, dot} (circle, dot) (at character 7)");
  EXPECT_EQ(text_error("u8", "1 2"), "unexpected `2` after the value (at character 3)");
  EXPECT_EQ(text_error("string", "\"open"), "unterminated quoted text (at character 6)");
}

}  // namespace
}  // namespace wippy::component

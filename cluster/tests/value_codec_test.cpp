#include "cluster/value_codec.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

namespace wippy::cluster {
namespace {

using procs::Value;

Value round_trip(const Value& v, const CodecLimits& limits = {}) { return decode_value(encode_value(v, limits), limits); }

std::string decode_error(std::string_view bytes, const CodecLimits& limits = {}) {
  try {
    decode_value(bytes, limits);
  } catch (const CodecError& e) {
    return e.what();
  }
  return "no error";
}

std::string header() { return std::string("WV\x01", 3); }

TEST(ValueCodec, ScalarsSurviveExactly) {
  const int64_t kMin = std::numeric_limits<int64_t>::min(), kMax = std::numeric_limits<int64_t>::max();
  for (Value v : {Value(), Value(true), Value(false), Value(0), Value(-1), Value(63), Value(-64), Value(kMin),
                  Value(kMax), Value(1.0), Value(-0.0), Value(1e308), Value(std::numeric_limits<double>::infinity()),
                  Value(""), Value(std::string("a\0b", 3)), Value("{node@app:host|12}")}) {
    Value back = round_trip(v);
    EXPECT_EQ(back, v) << v.to_string();
    EXPECT_EQ(back.type(), v.type()) << v.to_string();
  }
  EXPECT_TRUE(round_trip(Value(1.0)).is_double());  // 1.0 stays a float, 1 an integer
  EXPECT_TRUE(round_trip(Value(1)).is_int());
  EXPECT_TRUE(std::signbit(round_trip(Value(-0.0)).as_double()));
  EXPECT_TRUE(std::isnan(round_trip(Value(std::nan(""))).as_double()));
}

TEST(ValueCodec, TablesKeepOrderAndNesting) {
  Value v(Value::Map{{"z", 1}, {"a", Value::Array{1, 2.5, "x", Value(), true}}, {"m", Value::Map{{"k", "v"}}}});
  Value back = round_trip(v);
  EXPECT_EQ(back, v);
  EXPECT_EQ(back.as_map()[0].first, "z");  // insertion order kept
}

TEST(ValueCodec, SmallIntegersAreCompact) {
  EXPECT_EQ(encode_value(Value(5)).size(), 3u + 2u);
  EXPECT_EQ(encode_value(Value(-5)).size(), 3u + 2u);
}

TEST(ValueCodec, SharedNodesStaySharedAndLinear) {
  // 60 levels, each holding the level below twice: 2^60 tables written out.
  Value v = Value::Array{1};
  for (int i = 0; i < 60; ++i) v = Value(Value::Array{v, v});
  std::string bytes = encode_value(v);
  EXPECT_LT(bytes.size(), 60u * 8u);
  Value back = decode_value(bytes);
  EXPECT_EQ(back.as_array()[0].node(), back.as_array()[1].node());
  EXPECT_EQ(back.footprint(), v.footprint());
}

TEST(ValueCodec, EncodeLimits) {
  Value deep = Value::Array{};
  for (int i = 0; i < 10; ++i) deep = Value(Value::Array{deep});
  EXPECT_THROW(encode_value(deep, {0, 10}), CodecError);  // 11 levels
  EXPECT_NO_THROW(encode_value(deep, {0, 11}));
  try {
    encode_value(Value(std::string(100, 'x')), {50, 64});
    FAIL();
  } catch (const CodecError& e) {
    EXPECT_NE(std::string(e.what()).find("too large"), std::string::npos) << e.what();
  }
  // A shared node referenced deeper than it was first written still counts its depth.
  Value inner = Value::Array{Value::Array{}};  // height 2
  Value v = Value::Array{inner, Value::Array{inner}};
  EXPECT_THROW(encode_value(v, {0, 3}), CodecError);
  EXPECT_NO_THROW(encode_value(v, {0, 4}));
}

TEST(ValueCodec, HostileBytesGetErrorsNamingTheOffset) {
  const std::string h = header();
  struct Case {
    std::string bytes;
    std::string expect;
  } cases[] = {
      {"", "byte 0: not a wippy value"},
      {"XY\x01\x00", "byte 0: not a wippy value"},
      {std::string("WV\x02\x00", 4), "byte 3: unsupported wire version 2"},
      {h, "byte 3: truncated"},
      {h + "\x09", "byte 3: unknown tag 9"},
      {h + std::string("\x00\x00", 2), "byte 4: 1 trailing bytes"},
      {h + "\x03" + std::string(10, '\xff'), "varint exceeds 64 bits"},
      {h + "\x03\x80", "byte 5: truncated"},
      {h + "\x04\x01\x02", "truncated double"},
      {h + "\x05\x10" "abc", "byte 5: string length 16 exceeds the 3 bytes left"},
      {h + "\x06\xff\xff\xff\xff\x0f", "array count 4294967295 exceeds the 0 bytes left"},
      {h + "\x07\x01\x05", "key length 5 exceeds"},
      {h + std::string("\x08\x00", 2), "reference to unknown node 0"},
      {h + std::string("\x06\x01\x08\x00", 4), "reference to unfinished node 0"},
  };
  for (const Case& c : cases) {
    std::string err = decode_error(c.bytes);
    EXPECT_NE(err.find(c.expect), std::string::npos) << "got: " << err << " want: " << c.expect;
  }
}

TEST(ValueCodec, DecodeLimits) {
  std::string nested = header();
  for (int i = 0; i < 100; ++i) nested += std::string("\x06\x01", 2);
  nested += std::string(1, '\x00');
  EXPECT_NE(decode_error(nested).find("more than 64 nested"), std::string::npos);
  EXPECT_NO_THROW(decode_value(nested, {0, 100}));
  EXPECT_NE(decode_error(nested, {10, 100}).find("exceeds the limit of 10"), std::string::npos);
  // 1,000 nils: 1 KiB of input is 48 KiB in memory; the memory cap applies.
  std::string nils = header() + "\x06\xe8\x07" + std::string(1000, '\x00');
  EXPECT_NO_THROW(decode_value(nils));
  EXPECT_NE(decode_error(nils, {20000, 64}).find("decoded value exceeds"), std::string::npos);
  // A reference to a deep node counts that node's depth where it is used.
  Value inner = Value::Array{Value::Array{}};
  std::string bytes = encode_value(Value::Array{inner, Value::Array{inner}});
  EXPECT_NE(decode_error(bytes, {0, 3}).find("nested"), std::string::npos);
}

TEST(ValueCodec, RandomMutationsNeverCrash) {
  Value v(Value::Map{{"a", Value::Array{1, -2, 3.5, "s", Value::Map{{"k", false}}}}, {"b", "pid"}});
  Value shared = Value::Array{v, v, Value::Array{v}};
  std::string good = encode_value(shared);
  std::mt19937 rng(7);
  size_t errors = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string bytes = good;
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      size_t at = rng() % bytes.size();
      switch (rng() % 3) {
        case 0: bytes[at] = static_cast<char>(rng()); break;
        case 1: bytes.erase(at, 1); break;
        default: bytes.resize(at); break;
      }
      if (bytes.empty()) break;
    }
    try {
      decode_value(bytes, {4096, 16});
    } catch (const CodecError&) {
      ++errors;
    }
  }
  EXPECT_GT(errors, 10000u);
}

}  // namespace
}  // namespace wippy::cluster

#include <gtest/gtest.h>

#include <unordered_set>

#include "procs/event.h"
#include "procs/pid.h"
#include "procs/value.h"

namespace wippy::procs {
namespace {

TEST(Value, TypesAndAccessors) {
  EXPECT_TRUE(Value().is_nil());
  EXPECT_TRUE(Value(nullptr).is_nil());
  EXPECT_EQ(Value(true).as_bool(), true);
  EXPECT_EQ(Value(42).as_int(), 42);
  EXPECT_EQ(Value(int64_t{1} << 40).as_int(), int64_t{1} << 40);
  EXPECT_EQ(Value(5LL).as_int(), 5);  // lua_Integer
  EXPECT_EQ(Value(size_t{3}).as_int(), 3);
  EXPECT_EQ(Value(uint32_t{4000000000}).as_int(), 4000000000);
  EXPECT_TRUE(Value(1.5f).is_double());
  EXPECT_DOUBLE_EQ(Value(1.5).as_double(), 1.5);
  EXPECT_DOUBLE_EQ(Value(3).as_number(), 3.0);
  EXPECT_EQ(Value("hi").as_string(), "hi");
  EXPECT_EQ(Value(std::string_view("sv")).as_string(), "sv");
  EXPECT_EQ(Value(Value::Array{1, 2}).as_array().size(), 2u);
  EXPECT_EQ(Value(42).type_name(), std::string("integer"));
  EXPECT_EQ(Value(4.2).type_name(), std::string("number"));
  EXPECT_THROW(Value(1).as_string(), std::bad_variant_access);
}

TEST(Value, EqualityAndToString) {
  Value m(Value::Map{{"a", 1}, {"b", Value::Array{"x", nullptr, 2.5, false}}});
  Value m2(Value::Map{{"a", 1}, {"b", Value::Array{"x", nullptr, 2.5, false}}});
  EXPECT_EQ(m, m2);
  EXPECT_NE(Value(1), Value(1.0));
  EXPECT_NE(m, Value(Value::Map{{"a", 1}}));
  EXPECT_EQ(m.to_string(), "{a = 1, b = [\"x\", nil, 2.5, false]}");
  EXPECT_EQ(Value(2.0).to_string(), "2.0");
  EXPECT_EQ(Value("q\"\n").to_string(), "\"q\\\"\\n\"");
  ASSERT_NE(m.get("a"), nullptr);
  EXPECT_EQ(*m.get("a"), Value(1));
  EXPECT_EQ(m.get("zz"), nullptr);
  EXPECT_EQ(Value(1).get("a"), nullptr);
}

// A node used in many places is held once: copies share it, footprint counts it
// once, to_string is cut, a change through the mutable accessor copies it first.
TEST(Value, SharedNodes) {
  Value t(Value::Map{{"leaf", std::string(1000, 'x')}});
  for (int i = 0; i < 60; i++) t = Value(Value::Array{t, t});  // 2^60 leaves written out
  EXPECT_EQ(t.as_array()[0].node(), t.as_array()[1].node());
  EXPECT_TRUE(t.as_array()[0].node_shared());
  EXPECT_FALSE(t.node_shared());
  EXPECT_LT(t.footprint(), size_t{60 * 3 * Value::kValueBytes + 2000});
  Value copy = t;
  EXPECT_EQ(copy.node(), t.node());
  EXPECT_EQ(copy, t);
  std::string text = t.to_string(1000);
  EXPECT_EQ(text.size(), 1003u);
  EXPECT_EQ(text.substr(1000), "...");
  // Changing the copy leaves the original alone.
  copy.as_array().push_back(1);
  EXPECT_NE(copy.node(), t.node());
  EXPECT_EQ(t.as_array().size(), 2u);
  EXPECT_EQ(copy.as_array().size(), 3u);
  EXPECT_NE(copy, t);
  // Equal content in different nodes is equal.
  EXPECT_EQ(Value(Value::Array{1, "a"}), Value(Value::Array{1, "a"}));
}

TEST(Pid, FormatParseHash) {
  Pid p{"app:processes", 17};
  EXPECT_EQ(p.to_string(), "{app:processes|17}");
  auto q = Pid::parse("{app:processes|17}");
  ASSERT_TRUE(q);
  EXPECT_EQ(*q, p);
  EXPECT_EQ(Pid{}.to_string(), "{}");
  EXPECT_FALSE(Pid{}.valid());
  for (const char* bad : {"", "{}", "{a|}", "{|1}", "{a|0}", "{a|1x}", "a|1", "{a|-1}", "{a1}"})
    EXPECT_FALSE(Pid::parse(bad)) << bad;
  EXPECT_EQ(Pid::parse("{a|b|3}")->host.view(), "a|b");  // the last bar separates the number
  std::unordered_set<Pid> set{p, Pid{"h", 1}, Pid{"h", 1}};
  EXPECT_EQ(set.size(), 2u);
}

// Host names up to HostName::kInline bytes stay in the pid; longer ones go to the heap.
// Both behave as strings: copies, moves, comparison, order and hash see the content.
TEST(Pid, ShortAndLongHostNames) {
  const std::string in_place(HostName::kInline, 'a'), on_heap(HostName::kInline + 1, 'b');
  for (const std::string& name : {std::string("node@app:workers"), in_place, on_heap}) {
    Pid p{name, 5};
    EXPECT_EQ(p.host.view(), name);
    EXPECT_EQ(p.to_string(), "{" + name + "|5}");
    Pid copy = p;
    EXPECT_EQ(copy, p);
    EXPECT_EQ(std::hash<Pid>{}(copy), std::hash<Pid>{}(p));
    Pid moved = std::move(copy);
    EXPECT_EQ(moved.host.view(), name);
    copy = moved;  // assignment into a moved-from pid
    EXPECT_EQ(copy.host.view(), name);
    auto parsed = Pid::parse(p.to_string());
    ASSERT_TRUE(parsed);
    EXPECT_EQ(*parsed, p);
    Pid other{name + "x", 5};
    EXPECT_NE(other, p);
    EXPECT_LT(p, other);  // ordered by content, as std::string was
  }
  // A long name replaced by a short one and back, by moves and by copies.
  Pid a{on_heap, 1};
  a = Pid{"short", 2};
  EXPECT_EQ(a.host.view(), "short");
  a = Pid{on_heap, 3};
  EXPECT_EQ(a.host.view(), on_heap);
  const Pid short_pid{"short", 4}, long_pid{on_heap, 5};
  a = short_pid;
  EXPECT_EQ(a.host.view(), "short");
  a = long_pid;
  EXPECT_EQ(a.host.view(), on_heap);
  EXPECT_EQ(long_pid.host.view(), on_heap);
  EXPECT_EQ(Pid::parse("{node@h|1}")->node(), "node");
  EXPECT_EQ(Pid::parse("{node@h|1}")->local_host(), "h");
}

TEST(Event, Names) {
  EXPECT_STREQ(event_kind_name(EventKind::Exit), "pid.exit");
  EXPECT_STREQ(event_type_name(EventKind::Exit), "EXIT");
  EXPECT_STREQ(event_type_name(EventKind::LinkDown), "LINK_DOWN");
  EXPECT_STREQ(event_type_name(EventKind::Cancel), "CANCEL");
  Event e{EventKind::Exit, Pid{"h", 2}, 42, std::nullopt, {}, std::nullopt};
  EXPECT_EQ(e.to_string(), "EXIT from {h|2} value=42");
}

}  // namespace
}  // namespace wippy::procs

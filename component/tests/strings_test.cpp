// String encodings: the same guest (guests/strings.c) built with string-encoding
// utf8, utf16 and latin1+utf16. Host strings are UTF-8; the ABI transcodes.
#include <gtest/gtest.h>

#include "component/instance.h"
#include "component/tests/guest_util.h"

namespace wippy::component {
namespace {

struct Encoding {
  const char* guest;
  const char* made;          // what make() returns, as UTF-8
  uint32_t ascii_units;      // units() for "abc"
  uint32_t wide_units;       // units() for "é€𝄞"
  const char* bad_message;   // bad()'s error
};

const Encoding kEncodings[] = {
    {"strings_utf8.component.wasm", "h\xc3\xa9llo \xe2\x82\xac\xf0\x9d\x84\x9e", 3, 9,
     "`bad`: result: string is not valid UTF-8"},
    // é and € are one UTF-16 unit each, 𝄞 a surrogate pair.
    {"strings_utf16.component.wasm", "h\xc3\xa9llo \xe2\x82\xac\xf0\x9d\x84\x9e", 3, 4,
     "`bad`: result: string is not valid UTF-16 (unpaired surrogate at unit 2)"},
    // latin1+utf16: "abc" fits latin-1; "é€𝄞" does not, so it is tagged UTF-16.
    {"strings_compact_utf16.component.wasm", "h\xc3\xa9llo", 3, 4u | 0x80000000u,
     "`bad`: result: string is not valid UTF-16 (unpaired surrogate at unit 2)"},
};

class Strings : public ::testing::TestWithParam<Encoding> {
 protected:
  void SetUp() override { inst_ = std::make_unique<ComponentInstance>(test::load_guest(GetParam().guest), Linker{}); }
  Value call1(std::string_view name, std::vector<Value> args = {}) {
    std::vector<Value> r = inst_->call(name, args);
    EXPECT_EQ(r.size(), 1u);
    return r.empty() ? Value{} : r[0];
  }
  std::unique_ptr<ComponentInstance> inst_;
};

TEST_P(Strings, RoundTripsAnyText) {
  for (const char* s : {"", "abc", "caf\xc3\xa9", "\xc3\xbf\xc3\xbe", "\xe2\x82\xac uro", "\xf0\x9d\x84\x9e clef",
                        "mixed \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"}) {
    EXPECT_EQ(call1("echo", {Value::string(s)}), Value::string(s)) << s;
  }
}

TEST_P(Strings, GuestSeesItsOwnEncoding) {
  EXPECT_EQ(call1("units", {Value::string("abc")}), Value::u32(GetParam().ascii_units));
  EXPECT_EQ(call1("units", {Value::string("\xc3\xa9\xe2\x82\xac\xf0\x9d\x84\x9e")}), Value::u32(GetParam().wide_units));
}

TEST_P(Strings, LiftsWhatTheGuestEncoded) { EXPECT_EQ(call1("make"), Value::string(GetParam().made)); }

TEST_P(Strings, UndecodableGuestStringIsAnError) {
  try {
    inst_->call("bad", {});
    FAIL() << "no error";
  } catch (const CallError& e) {
    EXPECT_EQ(std::string(e.what()), GetParam().bad_message);
  }
}

INSTANTIATE_TEST_SUITE_P(Encodings, Strings, ::testing::ValuesIn(kEncodings), [](const auto& info) {
  std::string n = info.param.guest;
  n = n.substr(8, n.find('.') - 8);  // strings_<enc>.component.wasm
  return n;
});

}  // namespace
}  // namespace wippy::component

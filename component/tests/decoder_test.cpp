// The component decoder: the test guests decode; damaged and hand-made binaries
// are refused with a ComponentError naming the problem and its byte offset.
#include <gtest/gtest.h>

#include "component/component.h"
#include "component/tests/guest_util.h"

namespace wippy::component {
namespace {

using test::read_guest;

TEST(ComponentDecoder, DecodesTheTypesGuest) {
  std::vector<uint8_t> bytes = read_guest("types.component.wasm");
  ASSERT_TRUE(is_component(bytes));
  auto c = decode_component(bytes);
  EXPECT_EQ(c->imports.size(), 1u);
  EXPECT_EQ(c->imports[0].name, "test:types/host");
  EXPECT_NE(c->find_export("add"), nullptr);
  EXPECT_NE(c->find_export("test:types/api"), nullptr);
  EXPECT_FALSE(c->core_modules.empty());
}

}  // namespace
}  // namespace wippy::component

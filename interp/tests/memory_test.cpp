// Linear memory objects: mapped from the kernel (zero pages committed on touch),
// grown in place or moved with their contents, refused beyond their limits.
#include <gtest/gtest.h>

#include <cstring>

#include "interp/instance.h"

namespace wippy::interp {
namespace {

MemoryType memory_type(uint32_t min, std::optional<uint32_t> max = std::nullopt) {
  MemoryType t;
  t.limits.min = min;
  t.limits.max = max;
  return t;
}

bool all_zero(const uint8_t* p, uint64_t n) {
  for (uint64_t i = 0; i < n; ++i)
    if (p[i] != 0) return false;
  return true;
}

TEST(Memory, StartsZeroAndGrowsWithZeroPages) {
  Memory m(memory_type(1), 100);
  ASSERT_EQ(m.size, kPageSize);
  EXPECT_TRUE(all_zero(m.data, m.size));
  std::memset(m.data, 0xab, m.size);
  EXPECT_EQ(m.grow(3), 1);
  ASSERT_EQ(m.size, 4 * kPageSize);
  EXPECT_EQ(m.pages, 4u);
  EXPECT_EQ(m.data[0], 0xab);  // kept, even if the mapping moved
  EXPECT_EQ(m.data[kPageSize - 1], 0xab);
  EXPECT_TRUE(all_zero(m.data + kPageSize, 3 * kPageSize));
}

TEST(Memory, EmptyMemoryGrowsFromNothing) {
  Memory m(memory_type(0), 100);
  EXPECT_EQ(m.size, 0u);
  EXPECT_NE(m.data, nullptr);  // zero-length accesses at address 0 stay valid
  EXPECT_EQ(m.grow(0), 0);
  EXPECT_EQ(m.grow(2), 0);
  ASSERT_EQ(m.size, 2 * kPageSize);
  EXPECT_TRUE(all_zero(m.data, m.size));
  m.data[m.size - 1] = 1;
}

TEST(Memory, GrowBeyondTheMaximumFails) {
  Memory m(memory_type(1, 2), 100);
  EXPECT_EQ(m.grow(2), -1);
  EXPECT_EQ(m.pages, 1u);
  EXPECT_EQ(m.grow(1), 1);
  EXPECT_EQ(m.grow(1), -1);
  Memory capped(memory_type(1), 3);  // the store's limit caps a memory without a maximum
  EXPECT_EQ(capped.grow(3), -1);
  EXPECT_EQ(capped.grow(2), 1);
}

}  // namespace
}  // namespace wippy::interp

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "procs/id_table.h"

namespace wippy::procs::detail {
namespace {

TEST(IdTable, InsertFindErase) {
  IdTable<int> t;
  EXPECT_EQ(t.find(1), nullptr);
  t.erase(1);  // absent: nothing happens
  for (uint64_t id = 1; id <= 1000; id++) t.insert(id, static_cast<int>(id * 2));
  EXPECT_EQ(t.size(), 1000u);
  for (uint64_t id = 1; id <= 1000; id++) {
    ASSERT_NE(t.find(id), nullptr) << id;
    EXPECT_EQ(*t.find(id), static_cast<int>(id * 2));
  }
  EXPECT_EQ(t.find(0), nullptr);
  EXPECT_EQ(t.find(1001), nullptr);
  for (uint64_t id = 1; id <= 1000; id += 2) t.erase(id);
  EXPECT_EQ(t.size(), 500u);
  for (uint64_t id = 1; id <= 1000; id++) EXPECT_EQ(t.find(id) != nullptr, id % 2 == 0) << id;
}

// Random inserts and erases against std::map: probe chains that wrap around the end of
// the array and backward-shift deletions must keep every id findable.
TEST(IdTable, MatchesAMapUnderRandomOperations) {
  IdTable<uint64_t> t;
  std::map<uint64_t, uint64_t> ref;
  std::mt19937_64 rng(7);
  uint64_t next_id = 1;
  for (int step = 0; step < 200000; step++) {
    // Mostly new ids, sometimes a far one (ids that differ by multiples of the size).
    bool add = ref.empty() || rng() % 100 < 52;
    if (add) {
      uint64_t id = rng() % 10 == 0 ? next_id + (rng() % 64) * 1024 : next_id;
      next_id = std::max(next_id, id) + 1;
      t.insert(id, id ^ 0x5555);
      ref[id] = id ^ 0x5555;
    } else {
      auto it = ref.begin();
      std::advance(it, static_cast<long>(rng() % std::min<size_t>(ref.size(), 16)));
      t.erase(it->first);
      ref.erase(it);
    }
    ASSERT_EQ(t.size(), ref.size());
  }
  for (const auto& [id, v] : ref) {
    ASSERT_NE(t.find(id), nullptr) << id;
    EXPECT_EQ(*t.find(id), v);
  }
  size_t seen = 0;
  t.for_each([&](uint64_t id, uint64_t v) {
    EXPECT_EQ(ref.at(id), v);
    seen++;
  });
  EXPECT_EQ(seen, ref.size());
}

TEST(IdTable, FindsTheRestAfterShrinkingAndDrains) {
  IdTable<int> t;
  for (uint64_t id = 1; id <= 100000; id++) t.insert(id, 1);
  for (uint64_t id = 1; id <= 99990; id++) t.erase(id);
  EXPECT_EQ(t.size(), 10u);
  for (uint64_t id = 99991; id <= 100000; id++) EXPECT_NE(t.find(id), nullptr);
  size_t drained = 0;
  t.drain([&](uint64_t, int&) { drained++; });
  EXPECT_EQ(drained, 10u);
  EXPECT_TRUE(t.empty());
  EXPECT_EQ(t.find(100000), nullptr);
  t.insert(5, 3);  // usable again
  EXPECT_EQ(*t.find(5), 3);
}

TEST(IdTable, KeepsItsSlotsThroughBurstsThatComeBack) {
  IdTable<int> t;
  uint64_t next = 1;
  for (int k = 0; k < 10000; k++) t.insert(next++, 1);
  const size_t grown = t.capacity();
  EXPECT_GE(grown, 2u * 10000u);
  for (int round = 0; round < 5; round++) {
    for (uint64_t id = next - 10000; id < next; id++) t.erase(id);
    EXPECT_TRUE(t.empty());
    EXPECT_EQ(t.capacity(), grown);  // drained, not shrunk
    for (int k = 0; k < 10000; k++) t.insert(next++, 1);
    EXPECT_EQ(t.capacity(), grown);  // refilled without growing again
  }
}

TEST(IdTable, ShrinksWhenItStaysSparse) {
  IdTable<int> t;
  uint64_t next = 1;
  for (int k = 0; k < 10000; k++) t.insert(next++, 1);
  for (uint64_t id = 1; id < next; id++) t.erase(id);
  const size_t grown = t.capacity();
  // A few processes come and go: the table is sparse for every erasure.
  for (size_t k = 0; k < 4 * grown; k++) {
    t.insert(next, 1);
    t.erase(next++);
  }
  EXPECT_LT(t.capacity(), grown);
  EXPECT_TRUE(t.empty());
}

}  // namespace
}  // namespace wippy::procs::detail

// The chunked FIFO behind inboxes and event queues.
#include "procs/fifo.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace wippy::procs::detail {
namespace {

TEST(Fifo, KeepsOrderAcrossManyChunks) {
  Fifo<std::string> q;
  EXPECT_TRUE(q.empty());
  EXPECT_FALSE(q.pop().has_value());
  const int n = 1000;  // chunks of 4, 8, ..., 64, then 64 each
  for (int i = 0; i < n; i++) q.push("item " + std::to_string(i));
  EXPECT_EQ(q.size(), static_cast<size_t>(n));
  for (int i = 0; i < n; i++) {
    std::optional<std::string> v = q.pop();
    ASSERT_TRUE(v.has_value());
    EXPECT_EQ(*v, "item " + std::to_string(i));
  }
  EXPECT_TRUE(q.empty());
  EXPECT_FALSE(q.pop().has_value());
}

TEST(Fifo, InterleavedPushAndPopStayInOrder) {
  Fifo<int> q;
  int next_in = 0, next_out = 0;
  for (int round = 0; round < 200; round++) {
    for (int k = 0; k < round % 7 + 1; k++) q.push(next_in++);
    for (int k = 0; k < round % 5 + 1 && !q.empty(); k++) EXPECT_EQ(*q.pop(), next_out++);
    EXPECT_EQ(q.size(), static_cast<size_t>(next_in - next_out));
  }
  while (!q.empty()) EXPECT_EQ(*q.pop(), next_out++);
  EXPECT_EQ(next_out, next_in);
}

TEST(Fifo, DestroysWhatIsLeftOnClearAndDestruction) {
  auto counted = std::make_shared<int>(0);
  {
    Fifo<std::shared_ptr<int>> q;
    for (int i = 0; i < 100; i++) q.push(counted);
    EXPECT_EQ(counted.use_count(), 101);
    q.pop();
    q.clear();
    EXPECT_EQ(counted.use_count(), 1);
    EXPECT_TRUE(q.empty());
    for (int i = 0; i < 30; i++) q.push(counted);  // usable again after clear
    EXPECT_EQ(*q.pop(), counted);
    EXPECT_EQ(counted.use_count(), 30);
  }
  EXPECT_EQ(counted.use_count(), 1);
}

}  // namespace
}  // namespace wippy::procs::detail

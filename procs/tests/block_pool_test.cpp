// The recycled-block pools behind process records and WasmProcesses.
#include "procs/block_pool.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>
#include <vector>

namespace wippy::procs::detail {
namespace {

struct Small {
  char bytes[48];
};
struct Counted {
  char bytes[64];
};
struct CrossThread {
  char bytes[80];
};

TEST(BlockPool, ReusesAGivenBackBlock) {
  PoolAllocator<Small> a;
  Small* p = a.allocate(1);
  a.deallocate(p, 1);
  Small* q = a.allocate(1);
  if (BlockPool::kMaxKept > 0) {  // under ASan every block is freed
    EXPECT_EQ(q, p);
  }
  a.deallocate(q, 1);
}

TEST(BlockPool, KeepsAtMostItsLimit) {
  PoolAllocator<Counted> a;
  const size_t n = BlockPool::kMaxKept + 100;
  std::vector<Counted*> blocks;
  for (size_t i = 0; i < n; i++) blocks.push_back(a.allocate(1));
  for (Counted* b : blocks) a.deallocate(b, 1);
  EXPECT_EQ(PoolAllocator<Counted>::pool().kept(), BlockPool::kMaxKept);
}

struct Big {
  static constexpr size_t kPoolMaxKept = 3;
  char bytes[4096];
};

TEST(BlockPool, ATypeCanKeepFewer) {
  PoolAllocator<Big> a;
  std::vector<Big*> blocks;
  for (int i = 0; i < 10; i++) blocks.push_back(a.allocate(1));
  for (Big* b : blocks) a.deallocate(b, 1);
  EXPECT_EQ(PoolAllocator<Big>::pool().kept(), BlockPool::kKeepNone ? 0u : 3u);
}

TEST(BlockPool, BlocksFreedOnAnotherThreadComeBack) {
  PoolAllocator<CrossThread> a;
  std::vector<CrossThread*> blocks;
  for (int i = 0; i < 100; i++) blocks.push_back(a.allocate(1));
  std::thread worker([&] {
    for (CrossThread* b : blocks) PoolAllocator<CrossThread>().deallocate(b, 1);
  });
  worker.join();
  if (BlockPool::kMaxKept == 0) return;
  EXPECT_EQ(PoolAllocator<CrossThread>::pool().kept(), 100u);
  // This thread takes all 100 back before it allocates anything new.
  std::vector<CrossThread*> again;
  for (int i = 0; i < 100; i++) again.push_back(a.allocate(1));
  EXPECT_EQ(PoolAllocator<CrossThread>::pool().kept(), 0u);
  std::sort(blocks.begin(), blocks.end());
  std::sort(again.begin(), again.end());
  EXPECT_EQ(again, blocks);
  for (CrossThread* b : again) a.deallocate(b, 1);
}

}  // namespace
}  // namespace wippy::procs::detail

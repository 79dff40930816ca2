// The per-thread pool of engine::Executions (procs/execution_pool.h).
#include "procs/execution_pool.h"

#include <vector>

namespace wippy::procs::detail {

namespace {

// Enough for a worker that runs processes to their end one after another; processes
// waiting in a host call hold their own executions.
constexpr size_t kMaxPooled = 8;
// An execution whose value stack grew past this (a deep recursion) is freed rather
// than kept: a pool must not pin memory a rare process needed once.
constexpr size_t kMaxPooledStackCells = 4096;  // 32 KiB

struct Pool {
  std::vector<std::unique_ptr<engine::Execution>> free;
  ~Pool();
};

// Set when this thread's pool is destroyed (thread exit): an execution given back
// after that (a process closed from another thread-local's destructor) is freed.
// A plain bool needs no destruction, so it stays readable until the thread ends.
thread_local bool t_pool_gone = false;
thread_local Pool t_pool;

Pool::~Pool() { t_pool_gone = true; }

}  // namespace

std::unique_ptr<engine::Execution> take_execution(engine::Store& store, engine::FuncInst* func,
                                                  std::span<const uint64_t> args) {
  if (t_pool_gone || t_pool.free.empty()) return std::make_unique<engine::Execution>(store, func, args);
  std::unique_ptr<engine::Execution> exec = std::move(t_pool.free.back());
  t_pool.free.pop_back();
  try {
    exec->reset(store, func, args);
  } catch (...) {
    t_pool.free.push_back(std::move(exec));
    throw;
  }
  return exec;
}

void give_execution(std::unique_ptr<engine::Execution> exec) {
  if (!exec || t_pool_gone || exec->stack_cells() > kMaxPooledStackCells || t_pool.free.size() >= kMaxPooled)
    return;
  t_pool.free.push_back(std::move(exec));
}

}  // namespace wippy::procs::detail

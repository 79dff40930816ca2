// Translation of a module's function bodies, on several threads for big modules.
// Bodies are independent once every Function exists (a call names its callee's
// Function by address only), so each thread runs its own Translator over batches of
// consecutive bodies, claimed in order from a shared counter.
#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <vector>

#include "interp/compiler.h"

namespace wippy::interp {
namespace {

// Bodies are claimed in batches of about this many bytes: few enough claims to cost
// nothing, small enough that a busy core leaves little of the work waiting on it.
constexpr size_t kBatchBytes = 32 << 10;
constexpr unsigned kMaxCompileThreads = 64;

class ParallelCompile {
 public:
  ParallelCompile(const Module& module, std::span<const uint32_t> sizes, const CompileBody& compile)
      : module_(module), ends_(compile_batch_ends(sizes)), compile_(compile) {}

  void run(unsigned threads) {
    std::vector<std::thread> helpers;
    threads = static_cast<unsigned>(std::min<size_t>(threads, ends_.size()));
    for (unsigned t = 1; t < threads; ++t) {
      try {
        helpers.emplace_back([this] { work(); });
      } catch (const std::system_error&) {
        break;  // no more threads to be had: the ones there are do the work
      }
    }
    work();
    for (std::thread& h : helpers) h.join();
    if (error_) std::rethrow_exception(error_);
  }

 private:
  // Claims batches in order until none is left or one before it has failed (work
  // after the first failure is wasted: its outcome is never reported).
  void work() {
    std::optional<FunctionCompiler> compiler;
    for (;;) {
      const size_t b = next_batch_.fetch_add(1, std::memory_order_relaxed);
      if (b >= ends_.size() || b > failed_batch_.load(std::memory_order_relaxed)) return;
      if (!compiler) compiler.emplace(module_);
      for (size_t i = b == 0 ? 0 : ends_[b - 1]; i < ends_[b]; ++i) {
        try {
          compile_(*compiler, i);
        } catch (...) {
          fail(b);
          return;
        }
      }
    }
  }

  // Every batch before `b` was claimed before it and is finished by its thread, so
  // the lowest failing batch holds the first failing body.
  void fail(size_t b) {
    std::lock_guard lock(mutex_);
    if (b < failed_batch_.load(std::memory_order_relaxed)) {
      failed_batch_.store(b, std::memory_order_relaxed);
      error_ = std::current_exception();
    }
  }

  const Module& module_;
  const std::vector<size_t> ends_;
  const CompileBody& compile_;
  std::atomic<size_t> next_batch_{0};
  std::atomic<size_t> failed_batch_{SIZE_MAX};
  std::mutex mutex_;
  std::exception_ptr error_;  // the lowest failing batch's (under mutex_)
};

}  // namespace

std::vector<size_t> compile_batch_ends(std::span<const uint32_t> sizes) {
  std::vector<size_t> ends;
  size_t bytes = 0;
  for (size_t i = 0; i < sizes.size(); ++i) {
    bytes += sizes[i];
    if (bytes >= kBatchBytes) {
      ends.push_back(i + 1);
      bytes = 0;
    }
  }
  if (ends.empty() || ends.back() != sizes.size()) ends.push_back(sizes.size());
  return ends;
}

unsigned compile_threads(size_t code_bytes, unsigned requested) {
  if (requested) return std::min(requested, kMaxCompileThreads);
  if (code_bytes < kParallelCompileBytes) return 1;
  return std::clamp(std::thread::hardware_concurrency(), 1u, kMaxCompileThreads);
}

void compile_bodies(const Module& module, std::span<const uint32_t> sizes, unsigned threads,
                    const CompileBody& compile) {
  if (threads <= 1) {
    FunctionCompiler compiler(module);
    for (size_t i = 0; i < sizes.size(); ++i) compile(compiler, i);
    return;
  }
  ParallelCompile(module, sizes, compile).run(threads);
}

}  // namespace wippy::interp

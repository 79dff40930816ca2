// Lazy translation (interp/lazy_translation.cpp): bodies are validated at load and
// translated on their first call; results, fuel, slicing and traps are the same as
// with translation at load. Guest: tests/guests/exec_basics.wat.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "interp/execution.h"
#include "interp/tests/guest_file.h"

using namespace wippy::interp;

namespace {

using Translation = DecodeOptions::Translation;

std::shared_ptr<const Module> load(Translation t, const std::vector<uint8_t>& bytes = read_guest("exec_basics.wasm")) {
  return decode_module(bytes, DecodeOptions{.translation = t});
}

bool translated(const Module& m, uint32_t func_index) {
  return m.function(func_index).entry_acquire() != &m.lazy_entry[1];
}

uint32_t export_index(const Module& m, const char* name) { return m.find_export(name)->index; }

// An instance of exec_basics in its own store; host.next returns 5, host.log drops.
struct Guest {
  Store store;
  Instance* inst = nullptr;

  explicit Guest(std::shared_ptr<const Module> m) {
    auto next = std::make_shared<HostFunc>(HostFunc{
        {{}, {ValType::I32}},
        [](HostCall&, const uint64_t*, uint64_t* results) {
          results[0] = 5;
          return HostResult::ok();
        },
        "host.next"});
    auto log = std::make_shared<HostFunc>(
        HostFunc{{{ValType::I32}, {}}, [](HostCall&, const uint64_t*, uint64_t*) { return HostResult::ok(); }, "host.log"});
    inst = store.instantiate(std::move(m), {{Extern::of(store.new_host_func(next)), Extern::of(store.new_host_func(log))}});
  }

  // Runs `name` in budgets of `slice` (0: one run); returns the execution, finished.
  std::unique_ptr<Execution> run(const char* name, std::vector<uint64_t> args, int64_t slice = 0) {
    auto ex = std::make_unique<Execution>(store, inst->get_export(name)->func, args);
    RunStatus s;
    do s = ex->run(slice ? slice : INT64_MAX);
    while (s == RunStatus::OutOfBudget);
    return ex;
  }
};

}  // namespace

TEST(LazyTranslation, AutoPicksByCodeSize) {
  EXPECT_FALSE(load(Translation::Auto)->lazy);  // a few hundred bytes of code
  EXPECT_FALSE(load(Translation::Eager)->lazy);
  EXPECT_TRUE(load(Translation::Lazy)->lazy);
}

TEST(LazyTranslation, TranslatesOnlyWhatIsCalled) {
  auto m = load(Translation::Lazy);
  for (const auto& fn : m->functions) {
    EXPECT_EQ(fn->entry_acquire(), &m->lazy_entry[1]);
    EXPECT_TRUE(fn->code.empty());
    EXPECT_GT(fn->frame_size, 0u);  // the layout is known from validation
  }
  Guest g(m);
  auto ex = g.run("fib", {20});
  ASSERT_EQ(ex->status(), RunStatus::Done);
  EXPECT_EQ(ex->results()[0], 6765u);
  EXPECT_TRUE(translated(*m, export_index(*m, "fib")));
  EXPECT_FALSE(translated(*m, export_index(*m, "sum")));
  // oob calls $inner: both are translated by the one call, the caller first.
  g.run("oob", {});
  uint32_t outer = export_index(*m, "oob");
  EXPECT_TRUE(translated(*m, outer));
  EXPECT_TRUE(translated(*m, outer - 1));  // $inner is defined just before $outer
}

TEST(LazyTranslation, SameResultsFuelAndTrapsAsEager) {
  Guest eager(load(Translation::Eager));
  struct Call {
    const char* name;
    std::vector<uint64_t> args;
  };
  const std::vector<Call> calls = {{"fib", {15}}, {"sum", {1000}}, {"rsum", {300}}, {"gather", {4}},
                                   {"classify", {7}}, {"oob", {}}, {"deep", {50}}, {"mul_add", {1, 2, 3}}};
  for (int64_t slice : {0, 1, 2, 3, 7}) {
    Guest lazy(load(Translation::Lazy));  // fresh: every first call goes through TranslateOnCall
    for (const Call& c : calls) {
      SCOPED_TRACE(std::string(c.name) + " slice " + std::to_string(slice));
      auto a = eager.run(c.name, c.args, slice);
      auto b = lazy.run(c.name, c.args, slice);
      ASSERT_EQ(a->status(), b->status());
      EXPECT_EQ(a->fuel_consumed(), b->fuel_consumed());
      if (a->status() == RunStatus::Done) {
        EXPECT_EQ(std::vector<uint64_t>(a->results().begin(), a->results().end()),
                  std::vector<uint64_t>(b->results().begin(), b->results().end()));
      } else {
        EXPECT_EQ(a->trap().message, b->trap().message);
        ASSERT_EQ(a->trap().backtrace.size(), b->trap().backtrace.size());
        for (size_t i = 0; i < a->trap().backtrace.size(); ++i)
          EXPECT_EQ(a->trap().backtrace[i].code_offset, b->trap().backtrace[i].code_offset);
      }
    }
  }
}

TEST(LazyTranslation, UnmeteredCode) {
  // Unmetered code starts with a Fuel instruction of cost 0 too: the word before
  // every entry is the fuel a call charges, whichever way the module was loaded.
  for (Translation t : {Translation::Eager, Translation::Lazy}) {
    auto m = decode_module(read_guest("exec_basics.wasm"), DecodeOptions{.fuel_metering = false, .translation = t});
    Guest g(m);
    auto ex = g.run("fib", {20}, 3);  // budgets are ignored: one run
    ASSERT_EQ(ex->status(), RunStatus::Done);
    EXPECT_EQ(ex->results()[0], 6765u);
    EXPECT_EQ(ex->fuel_consumed(), 0u);
    for (const auto& fn : m->functions) EXPECT_EQ(fn->entry_acquire()[-1].i64, 0);
  }
}

TEST(LazyTranslation, InvalidBodyIsRefusedAtLoad) {
  // A function that is never called still has its body validated at load.
  const std::vector<uint8_t> bad = {
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,  // header
      0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f,        // type 0: () -> i32
      0x03, 0x03, 0x02, 0x00, 0x00,                    // two functions of type 0
      0x0a, 0x0b, 0x02,                                // code: two bodies
      0x04, 0x00, 0x41, 0x01, 0x0b,                    // i32.const 1
      0x04, 0x00, 0x42, 0x01, 0x0b,                    // i64.const 1: type mismatch
  };
  std::string eager_error, lazy_error;
  try {
    load(Translation::Eager, bad);
  } catch (const ModuleError& e) {
    eager_error = std::string(e.what()) + " at " + std::to_string(e.offset());
  }
  try {
    load(Translation::Lazy, bad);
  } catch (const ModuleError& e) {
    lazy_error = std::string(e.what()) + " at " + std::to_string(e.offset());
  }
  EXPECT_NE(eager_error, "");
  EXPECT_EQ(lazy_error, eager_error);
}

TEST(LazyTranslation, ConcurrentFirstCallsTranslateOnce) {
  auto m = load(Translation::Lazy);
  constexpr int kThreads = 4;
  std::atomic<int> ready{0};
  std::vector<uint64_t> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Guest g(m);
      ready.fetch_add(1);
      while (ready.load() < kThreads) std::this_thread::yield();
      results[t] = g.run("fib", {18})->results()[0];
    });
  }
  for (auto& th : threads) th.join();
  for (uint64_t r : results) EXPECT_EQ(r, 2584u);
  EXPECT_TRUE(translated(*m, export_index(*m, "fib")));
}

// Embedding wippy-wasm in a C++ program: load a module, give it a typed host
// function, call an export, then run the same call in budgets (as a scheduler would).
//   embed guest.wasm
#include <cstdio>
#include <string>
#include <vector>

#include <wippy/wippy.h>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s guest.wasm\n", argv[0]);
    return 2;
  }
  try {
    wippy::Engine engine;
    wippy::Module module = engine.load_file(argv[1]);

    // Host state lives in the store; host functions reach it through the Caller.
    struct Progress {
      int reports = 0;
    };
    wippy::Linker linker;
    linker.func("env", "progress", [](wippy::Caller& caller, int32_t i, int64_t partial) {
      caller.data<Progress>().reports++;
      if (i % 5000 == 0) std::printf("progress: i=%d sum=%lld\n", i, static_cast<long long>(partial));
    });

    wippy::Store store(wippy::Limits{.fuel = 10'000'000});
    store.emplace_data<Progress>();
    wippy::Instance instance(store, linker, module);

    // A direct call.
    int64_t sum = instance.call("sum", {int32_t{10000}})[0].i64();
    std::printf("sum(10000) = %lld, %d progress reports\n", static_cast<long long>(sum),
                store.data<Progress>().reports);

    // Memory.
    std::optional<wippy::Memory> memory = instance.memory();
    std::vector<uint8_t> text(static_cast<size_t>(instance.call("greeting_len")[0].i32()));
    memory->read(0, text);
    std::printf("memory says: %s\n", std::string(text.begin(), text.end()).c_str());

    // The same call, resumable: 5000 fuel units at a time.
    wippy::Execution exec = instance.call_async("sum", std::vector<wippy::Val>{int32_t{10000}});
    int slices = 1;
    while (exec.run(5000) == wippy::RunState::Yielded) ++slices;
    if (exec.state() != wippy::RunState::Done) {
      std::fprintf(stderr, "trap: %s\n", exec.trap().message.c_str());
      return 1;
    }
    std::printf("resumable sum = %lld in %d slices, %llu fuel\n",
                static_cast<long long>(exec.results()[0].i64()), slices,
                static_cast<unsigned long long>(exec.fuel_consumed()));

    // A trap is an error with a code.
    wippy::Store tiny(wippy::Limits{.fuel = 1000});
    tiny.emplace_data<Progress>();
    wippy::Instance limited(tiny, linker, module);
    try {
      limited.call("sum", {int32_t{10000}});
    } catch (const wippy::TrapError& e) {
      std::printf("trap: %s (%s)\n", e.what(), wippy::to_string(e.code()));
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}

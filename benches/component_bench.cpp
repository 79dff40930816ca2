// A component call round trip against a plain core call of the same guest function
// (component/tests/guests/strings.c, string-encoding utf8): `echo` takes a string
// and returns it. The core call passes a pointer and length that are already in
// memory; the component call lowers the string (cabi_realloc in the guest, a copy),
// runs the same core function and lifts the result (bounds and UTF-8 checks, a copy).
#include <benchmark/benchmark.h>

#include <fstream>
#include <iterator>

#include "component/instance.h"
#include "engine/engine.h"

namespace {

using namespace wippy;

std::vector<uint8_t> read_guest(const std::string& name) {
  std::ifstream in(std::string(WIPPY_GUEST_DIR) + "/" + name, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void BM_CoreEcho(benchmark::State& state) {
  engine::Engine eng;
  engine::Linker linker;
  engine::Instance inst(linker, eng.load(read_guest("strings_utf8_core.wasm")));
  const uint64_t args[2] = {1024, 11};  // any in-bounds range: echo only returns it
  for (auto _ : state) {
    auto ex = inst.call("echo", args);
    if (ex->run() != interp::RunStatus::Done) state.SkipWithError("core call failed");
    benchmark::DoNotOptimize(ex->results()[0]);
  }
}
BENCHMARK(BM_CoreEcho);

void BM_ComponentEcho(benchmark::State& state) {
  std::vector<uint8_t> bytes = read_guest("strings_utf8.component.wasm");
  component::ComponentInstance inst(component::decode_component(bytes), component::Linker{});
  std::vector<component::Value> args{component::Value::string(std::string(static_cast<size_t>(state.range(0)), 'x'))};
  for (auto _ : state) {
    std::vector<component::Value> r = inst.call("echo", args);
    benchmark::DoNotOptimize(r[0].str.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_ComponentEcho)->Arg(11)->Arg(1024);

}  // namespace

BENCHMARK_MAIN();

#include "procs/deterministic_wasi.h"

#include <random>

#include "procs/system.h"

namespace wippy::procs {

void use_deterministic_sources(wasi::WasiContext& ctx, ProcessContext& pc) {
  std::optional<uint64_t> seed = pc.system().deterministic_seed();
  if (!seed) return;
  const EventLoop* loop = &pc.loop();  // the system's: it outlives every process
  auto ns = [](auto d) { return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(d).count()); };
  ctx.steady_now = [loop] { return loop->now(); };
  ctx.clock = [loop, ns](uint32_t id) -> std::optional<uint64_t> {
    switch (id) {
      case 0: return ns(loop->wall_now().time_since_epoch());               // realtime
      case 1: return ns(loop->now().time_since_epoch());                    // monotonic
      case 2: case 3: return ns(loop->now() - EventLoop::kVirtualStart);  // CPU time: the virtual time run
      default: return std::nullopt;
    }
  };
  auto rng = std::make_shared<std::mt19937_64>(process_seed(*seed, pc.pid()));
  ctx.random = [rng](std::span<uint8_t> buf) {
    for (uint8_t& b : buf) b = static_cast<uint8_t>((*rng)() >> 56);
    return true;
  };
}

}  // namespace wippy::procs

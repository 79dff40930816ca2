// libFuzzer target: decode_module must either succeed or throw interp::ModuleError.
// Any other exception escapes and aborts, which libFuzzer reports as a crash; ASan and
// UBSan report memory errors and undefined behaviour. Build and run: scripts/fuzz.sh.
#include <cstddef>
#include <cstdint>
#include <span>

#include "interp/module.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    (void)wippy::interp::decode_module(std::span<const uint8_t>(data, size));
  } catch (const wippy::interp::ModuleError&) {
  }
  return 0;
}

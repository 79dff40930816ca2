// libFuzzer target: decode_value must either succeed or throw cluster::CodecError, and
// what it decodes must encode and decode again to an equal value. Build with
// -DWIPPY_FUZZ=ON (clang), as scripts/fuzz.sh configures, then run
// build-fuzz/fuzz/fuzz_value_codec.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cluster/value_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const wippy::cluster::CodecLimits limits{1 << 20, 64};
  try {
    auto v = wippy::cluster::decode_value(std::string_view(reinterpret_cast<const char*>(data), size), limits);
    auto again = wippy::cluster::decode_value(wippy::cluster::encode_value(v, {0, 64}), {0, 64});
    // NaN never equals itself; everything else must survive exactly.
    if (!(again == v) && v.to_string().find("nan") == std::string::npos) std::abort();
  } catch (const wippy::cluster::CodecError&) {
  }
  return 0;
}

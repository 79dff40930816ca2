// The decoder never crashes: every binary module of the spec suite (the malformed and
// invalid ones above all) and damaged copies of our guests either decode or throw
// interp::ModuleError. Any other exception, a crash, or (under ASan/UBSan) a memory
// error fails the test.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "interp/module.h"

namespace fs = std::filesystem;
using wippy::interp::ModuleError;

namespace {

std::vector<uint8_t> read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

// Decodes; returns "" if it decoded or threw ModuleError, else what went wrong.
std::string try_decode(const std::vector<uint8_t>& bytes) {
  try {
    (void)wippy::interp::decode_module(bytes);
  } catch (const ModuleError&) {
  } catch (const std::exception& e) {
    return std::string("unexpected exception: ") + e.what();
  } catch (...) {
    return "unexpected non-std exception";
  }
  return "";
}

std::vector<fs::path> wasm_files(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  for (const auto& e : fs::recursive_directory_iterator(dir, ec))
    if (e.is_regular_file() && e.path().extension() == ".wasm") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

fs::path spec_dir() {
  if (const char* env = std::getenv("WIPPY_SPEC_DIR")) return env;
  return WIPPY_SPEC_DIR;
}

fs::path guest_dir() {
  if (const char* env = std::getenv("WIPPY_GUEST_DIR")) return env;
  return WIPPY_GUEST_DIR;
}

TEST(Robustness, SpecSuiteBinariesDecodeOrThrowModuleError) {
  std::vector<fs::path> files = wasm_files(spec_dir());
  if (files.empty()) GTEST_SKIP() << "no converted spec suite under " << spec_dir();
  size_t failures = 0;
  for (const auto& f : files) {
    std::string err = try_decode(read_file(f));
    if (!err.empty() && ++failures <= 20) ADD_FAILURE() << f << ": " << err;
  }
  EXPECT_EQ(failures, 0u);
  std::printf("decoded %zu spec binaries\n", files.size());
}

TEST(Robustness, DamagedGuestsDecodeOrThrowModuleError) {
  std::vector<fs::path> files = wasm_files(guest_dir());
  ASSERT_FALSE(files.empty()) << "no guests under " << guest_dir();
  std::mt19937_64 rng(12345);
  size_t cases = 0, failures = 0, large = 0;
  auto check = [&](const std::vector<uint8_t>& bytes, const fs::path& f, const std::string& what) {
    cases++;
    std::string err = try_decode(bytes);
    if (!err.empty() && ++failures <= 20) ADD_FAILURE() << f << " " << what << ": " << err;
  };
  for (const auto& f : files) {
    const std::vector<uint8_t> orig = read_file(f);
    ASSERT_EQ(try_decode(orig), "") << f;
    // A guest over 1 MiB (the 12 MB JS component) gets a twentieth of the cases: each
    // decode of it takes about a second under the sanitizers.
    size_t n = orig.size();
    const int share = n > (size_t{1} << 20) ? 20 : 1;
    large += share > 1;
    // Truncations: every short prefix, then evenly spaced lengths.
    size_t step = std::max<size_t>(1, n / (300 / share));
    for (size_t len = 0; len < n; len += (len < 256 ? 1 : step))
      check(std::vector<uint8_t>(orig.begin(), orig.begin() + len), f, "truncated to " + std::to_string(len));
    // Single bit flips and random bytes at random positions.
    for (int i = 0; i < 1500 / share; i++) {
      std::vector<uint8_t> b = orig;
      size_t pos = rng() % n;
      int bit = static_cast<int>(rng() % 8);
      b[pos] ^= static_cast<uint8_t>(1u << bit);
      check(b, f, "bit " + std::to_string(bit) + " flipped at " + std::to_string(pos));
    }
    for (int i = 0; i < 500 / share; i++) {
      std::vector<uint8_t> b = orig;
      size_t pos = rng() % n;
      uint8_t v = static_cast<uint8_t>(rng());
      b[pos] = v;
      check(b, f, "byte " + std::to_string(pos) + " set to " + std::to_string(v));
    }
    // Several flips at once, concentrated in the first KiB (section headers, types).
    for (int i = 0; i < 500 / share; i++) {
      std::vector<uint8_t> b = orig;
      for (int k = 0; k < 4; k++) b[rng() % std::min<size_t>(n, 1024)] ^= static_cast<uint8_t>(rng());
      check(b, f, "multi-flip #" + std::to_string(i));
    }
  }
  EXPECT_EQ(failures, 0u);
  std::printf("decoded %zu damaged guest binaries (%zu guests over 1 MiB with 1/20 of the cases)\n", cases, large);
}

}  // namespace

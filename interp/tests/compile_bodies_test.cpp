// Tests of the parallel translation of function bodies (interp/compile_bodies.cpp):
// a module with more code than kParallelCompileBytes, built here byte by byte, gets
// the same code and the same first error on one thread as on several.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "interp/compiler.h"
#include "interp/module.h"

namespace wippy::interp {
namespace {

using Bytes = std::vector<uint8_t>;

void put_leb(Bytes& out, uint64_t v) {
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    out.push_back(v ? b | 0x80 : b);
  } while (v);
}

void put_section(Bytes& out, uint8_t id, const Bytes& contents) {
  out.push_back(id);
  put_leb(out, contents.size());
  out.insert(out.end(), contents.begin(), contents.end());
}

// What a body of the generated module contains.
enum class Body { Valid, Invalid, Malformed };

// The body of function i of n, of type (i32) -> i32 with one i32 local: a countdown
// loop, a run of arithmetic on the local and a call of the next function (so the code
// holds branch targets and callee addresses). An Invalid body ends with an i64 where
// an i32 is due ("type mismatch"), a Malformed one has an illegal opcode.
Bytes body(uint32_t i, uint32_t n, Body kind) {
  Bytes b = {0x01, 0x01, 0x7f};                        // one local i32
  b.insert(b.end(), {0x20, 0x00, 0x41});               // local.get 0; i32.const i
  put_leb(b, i);
  b.insert(b.end(), {0x6a, 0x21, 0x01});               // i32.add; local.set 1
  b.insert(b.end(), {0x02, 0x40, 0x03, 0x40,           // block; loop
                     0x20, 0x01, 0x41, 0x01, 0x6b,     // local.get 1; i32.const 1; i32.sub
                     0x22, 0x01, 0x0d, 0x00,           // local.tee 1; br_if 0
                     0x0b, 0x0b});                     // end; end
  for (uint32_t k = 0; k < 20 + i % 17; ++k) {
    b.insert(b.end(), {0x20, 0x01, 0x41});             // local.get 1; i32.const k
    put_leb(b, k * 1000 + i);
    b.insert(b.end(), {static_cast<uint8_t>(0x6a + k % 3), 0x21, 0x01});  // add/sub/mul; local.set 1
  }
  if (kind == Body::Malformed) b.push_back(0xff);
  b.insert(b.end(), {0x20, 0x01, 0x10});               // local.get 1; call (i + 1) % n
  put_leb(b, (i + 1) % n);
  if (kind == Body::Invalid) b.insert(b.end(), {0x1a, 0x42, 0x00});  // drop; i64.const 0
  b.push_back(0x0b);
  return b;
}

// A module of `n` functions whose bodies are all valid except those in `bad`; the
// body sizes go to `sizes` if given.
Bytes module(uint32_t n, const std::map<uint32_t, Body>& bad = {}, std::vector<uint32_t>* sizes = nullptr) {
  Bytes m = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  put_section(m, 1, {0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f});  // type 0: (i32) -> i32
  Bytes funcs;
  put_leb(funcs, n);
  funcs.insert(funcs.end(), n, 0x00);
  put_section(m, 3, funcs);
  Bytes code;
  put_leb(code, n);
  for (uint32_t i = 0; i < n; ++i) {
    auto it = bad.find(i);
    Bytes b = body(i, n, it == bad.end() ? Body::Valid : it->second);
    put_leb(code, b.size());
    if (sizes) sizes->push_back(static_cast<uint32_t>(b.size()));
    code.insert(code.end(), b.begin(), b.end());
  }
  put_section(m, 10, code);
  return m;
}

constexpr uint32_t kFunctions = 3000;  // about 480 KiB of code

std::shared_ptr<const Module> decode(const Bytes& b, unsigned threads) {
  return decode_module(b, DecodeOptions{.compile_threads = threads});
}

// The error decoding reports, as "offset: message".
std::string error(const Bytes& b, unsigned threads) {
  try {
    decode(b, threads);
  } catch (const ModuleError& e) {
    return std::to_string(e.offset()) + ": " + e.what();
  }
  return "";
}

// Each function's code with its addresses made comparable across modules: a branch
// target becomes its index in the code, a callee its function number.
using ComparableCode = std::vector<std::vector<std::pair<char, uint64_t>>>;
ComparableCode comparable_code(const Module& m) {
  std::map<const void*, uint64_t> functions;
  for (size_t i = 0; i < m.functions.size(); ++i) functions[m.functions[i].get()] = i;
  ComparableCode code;
  for (const auto& f : m.functions) {
    const Function& fn = *f;
    auto& out = code.emplace_back();
    for (const Slot& w : fn.code) {
      if (w.target >= fn.code.data() && w.target < fn.code.data() + fn.code.size())
        out.emplace_back('t', w.target - fn.code.data());
      else if (auto it = functions.find(w.ptr); it != functions.end())
        out.emplace_back('f', it->second);
      else
        out.emplace_back('w', w.u64);
    }
  }
  return code;
}

TEST(CompileBodies, BigModulesTakeTheParallelPath) {
  const Bytes b = module(kFunctions);
  auto m = decode(b, 1);
  ASSERT_GT(m->code_bytes, kParallelCompileBytes);
  EXPECT_EQ(compile_threads(m->code_bytes, 0), std::max(1u, std::thread::hardware_concurrency()));
  EXPECT_EQ(compile_threads(kParallelCompileBytes - 1, 0), 1u);
  EXPECT_EQ(compile_threads(100, 3), 3u);
}

TEST(CompileBodies, ParallelCodeIsTheSequentialCode) {
  const Bytes b = module(kFunctions);
  auto seq = decode(b, 1);
  const ComparableCode seq_code = comparable_code(*seq);
  for (unsigned threads : {0u, 2u, 3u}) {
    auto par = decode(b, threads);
    ASSERT_EQ(par->functions.size(), seq->functions.size());
    const ComparableCode par_code = comparable_code(*par);
    for (size_t i = 0; i < seq->functions.size(); ++i) {
      const Function& s = *seq->functions[i];
      const Function& p = *par->functions[i];
      ASSERT_EQ(par_code[i], seq_code[i]) << "function " << i << ", threads " << threads;
      EXPECT_EQ(p.entry.load() - p.code.data(), s.entry.load() - s.code.data());
      EXPECT_EQ(p.entry.load()[-1].i64, s.entry.load()[-1].i64);  // the fuel a call charges
      EXPECT_EQ(p.max_stack, s.max_stack);
      EXPECT_EQ(p.frame_size, s.frame_size);
      ASSERT_EQ(p.offsets.size(), s.offsets.size());
      for (size_t k = 0; k < s.offsets.size(); ++k) {
        EXPECT_EQ(p.offsets[k].slot, s.offsets[k].slot);
        EXPECT_EQ(p.offsets[k].wasm_offset, s.offsets[k].wasm_offset);
      }
    }
  }
}

// With failing bodies early and late in the order, every thread count reports the
// sequential pass's error: the first failing body's, whichever thread reaches it.
TEST(CompileBodies, FirstFailingBodyInOrderIsReported) {
  std::vector<uint32_t> sizes;
  module(kFunctions, {}, &sizes);
  const std::vector<size_t> ends = compile_batch_ends(sizes);
  ASSERT_GE(ends.size(), 4u);
  const auto first_of = [&](size_t batch) { return static_cast<uint32_t>(batch == 0 ? 0 : ends[batch - 1]); };
  const auto last_of = [&](size_t batch) { return static_cast<uint32_t>(ends[batch] - 1); };
  const std::vector<std::map<uint32_t, Body>> cases = {
      // The later batch fails first (its failure is at its start, the earlier
      // batch's at its end), or last.
      {{last_of(0), Body::Invalid}, {first_of(1), Body::Malformed}},
      {{last_of(0) / 2, Body::Malformed}, {last_of(1), Body::Invalid}},
      {{last_of(1), Body::Invalid}, {first_of(2), Body::Malformed}, {last_of(3), Body::Invalid}},
      {{2900, Body::Invalid}},
      {{10, Body::Malformed}},
      {{400, Body::Invalid}, {2900, Body::Malformed}},
      {{2900, Body::Invalid}, {2950, Body::Malformed}, {1500, Body::Malformed}},
      {{0, Body::Invalid}, {1, Body::Malformed}, {kFunctions - 1, Body::Invalid}},
  };
  for (const auto& bad : cases) {
    const Bytes b = module(kFunctions, bad);
    const std::string expected = error(b, 1);
    ASSERT_NE(expected, "");
    // Repeated: which thread reaches which batch first varies from run to run.
    for (int run = 0; run < 5; ++run)
      for (unsigned threads : {0u, 2u, 4u}) EXPECT_EQ(error(b, threads), expected) << threads;
  }
  // The message is the first failing body's own.
  EXPECT_NE(error(module(kFunctions, {{400, Body::Invalid}, {2900, Body::Malformed}}), 2).find("type mismatch"),
            std::string::npos);
  EXPECT_NE(error(module(kFunctions, {{400, Body::Malformed}, {2900, Body::Invalid}}), 2).find("illegal opcode"),
            std::string::npos);
}

}  // namespace
}  // namespace wippy::interp

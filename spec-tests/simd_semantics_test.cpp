// The SIMD semantics of interp/simd.h against the spec suite's simd_*.wast assertions,
// without the run loop: for every exported function whose body is exactly one SIMD
// instruction applied to its parameters in order (`local.get 0 .. n-1; op; end`), each
// assert_return on it is evaluated by calling the instruction's simd.def function.
// Memory instructions and v128.const need a module instance and are left to the
// spec runner.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>

#include <nlohmann/json.hpp>

#include "interp/reader.h"
#include "interp/simd.h"
#include "interp/wasm_opcodes.h"
#include "spec-tests/values.h"

namespace wippy::spectest {
namespace {

namespace fs = std::filesystem;
using interp::Reader;
using interp::SimdKind;
using interp::V128;
using interp::WasmOpSIMD;

// An exported function that is one SIMD instruction over its parameters.
struct Direct {
  const interp::SimdOpInfo* info;
  uint8_t immediates[16] = {};  // the lane index, or the shuffle's 16 lanes
};

// The result of an instruction: its type and cells (a v128 is two cells).
struct Result {
  interp::ValType type;
  std::vector<uint64_t> cells;
};

unsigned param_count(SimdKind kind) {
  switch (kind) {
    case SimdKind::Unary: case SimdKind::Test:
    case SimdKind::SplatI32: case SimdKind::SplatI64: case SimdKind::SplatF32: case SimdKind::SplatF64:
    case SimdKind::ExtractLaneI32: case SimdKind::ExtractLaneI64:
    case SimdKind::ExtractLaneF32: case SimdKind::ExtractLaneF64:
      return 1;
    case SimdKind::Binary: case SimdKind::Shift: case SimdKind::Shuffle:
    case SimdKind::ReplaceLaneI32: case SimdKind::ReplaceLaneI64:
    case SimdKind::ReplaceLaneF32: case SimdKind::ReplaceLaneF64:
      return 2;
    case SimdKind::Ternary: return 3;
    default: return 0;  // memory and v128.const: not evaluated here
  }
}

unsigned immediate_count(SimdKind kind) {
  if (kind == SimdKind::Shuffle) return 16;
  return (kind >= SimdKind::ExtractLaneI32 && kind <= SimdKind::ReplaceLaneF64) ? 1 : 0;
}

interp::ValType extract_type(SimdKind kind) {
  switch (kind) {
    case SimdKind::ExtractLaneI64: return interp::ValType::I64;
    case SimdKind::ExtractLaneF32: return interp::ValType::F32;
    case SimdKind::ExtractLaneF64: return interp::ValType::F64;
    default: return interp::ValType::I32;
  }
}

std::optional<Direct> match_body(Reader body) {
  if (body.u32() != 0) return std::nullopt;  // no locals
  unsigned params = 0;
  while (body.peek() == 0x20) {  // local.get
    body.u8();
    if (body.u32() != params++) return std::nullopt;
  }
  if (body.u8() != uint8_t(interp::WasmOp::PrefixSIMD)) return std::nullopt;
  Direct d;
  d.info = interp::simd_op_info(body.u32());
  if (!d.info || param_count(d.info->kind) == 0 || param_count(d.info->kind) != params) return std::nullopt;
  for (unsigned i = 0; i < immediate_count(d.info->kind); ++i) d.immediates[i] = body.u8();
  if (body.u8() != uint8_t(interp::WasmOp::End) || !body.at_end()) return std::nullopt;
  return d;
}

void skip_limits(Reader& r) {
  uint8_t flags = r.u8();
  r.u32();
  if (flags & 1) r.u32();
}

// Export name -> Direct, for the module's functions that are one SIMD instruction.
std::map<std::string, Direct> direct_exports(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Reader r(bytes);
  r.bytes(8);  // magic, version
  uint32_t imported_functions = 0;
  std::map<uint32_t, std::string> exported;  // function index -> name
  std::map<std::string, Direct> out;
  while (!r.at_end()) {
    uint8_t id = r.u8();
    Reader section = r.sub(r.u32());
    if (id == 2) {  // imports
      for (uint32_t n = section.u32(); n > 0; --n) {
        section.name();
        section.name();
        switch (section.u8()) {
          case 0: section.u32(); ++imported_functions; break;
          case 1: section.u8(); skip_limits(section); break;
          case 2: skip_limits(section); break;
          default: section.u8(); section.u8(); break;  // global: type, mutability
        }
      }
    } else if (id == 7) {  // exports
      for (uint32_t n = section.u32(); n > 0; --n) {
        std::string name = section.name();
        uint8_t kind = section.u8();
        uint32_t index = section.u32();
        if (kind == 0) exported[index] = name;
      }
    } else if (id == 10) {  // code
      uint32_t n = section.u32();
      for (uint32_t i = 0; i < n; ++i) {
        Reader body = section.sub(section.u32());
        auto it = exported.find(imported_functions + i);
        if (it == exported.end()) continue;
        if (auto d = match_body(body)) out.emplace(it->second, *d);
      }
    }
  }
  return out;
}

// Calls an instruction's function with arguments given as cells; one overload per shape
// of simd.def, chosen by the function's type.
using Args = std::vector<std::vector<uint64_t>>;
V128 v(const std::vector<uint64_t>& cells) { return {cells.at(0), cells.at(1)}; }
Result v128_result(V128 r) { return {interp::ValType::V128, {r.lo, r.hi}}; }

std::optional<Result> call(V128 (*f)(V128), const Direct&, const Args& a) { return v128_result(f(v(a[0]))); }
std::optional<Result> call(V128 (*f)(V128, V128), const Direct&, const Args& a) {
  return v128_result(f(v(a[0]), v(a[1])));
}
std::optional<Result> call(V128 (*f)(V128, V128, V128), const Direct&, const Args& a) {
  return v128_result(f(v(a[0]), v(a[1]), v(a[2])));
}
std::optional<Result> call(V128 (*f)(V128, uint32_t), const Direct&, const Args& a) {
  return v128_result(f(v(a[0]), uint32_t(a[1].at(0))));
}
std::optional<Result> call(uint32_t (*f)(V128), const Direct&, const Args& a) {
  return Result{interp::ValType::I32, {f(v(a[0]))}};
}
std::optional<Result> call(V128 (*f)(uint64_t), const Direct&, const Args& a) { return v128_result(f(a[0].at(0))); }
std::optional<Result> call(uint64_t (*f)(V128, uint32_t), const Direct& d, const Args& a) {
  return Result{extract_type(d.info->kind), {f(v(a[0]), d.immediates[0])}};
}
std::optional<Result> call(V128 (*f)(V128, uint64_t, uint32_t), const Direct& d, const Args& a) {
  return v128_result(f(v(a[0]), a[1].at(0), d.immediates[0]));
}
std::optional<Result> call(V128 (*f)(V128, V128, const uint8_t*), const Direct& d, const Args& a) {
  return v128_result(f(v(a[0]), v(a[1]), d.immediates));
}
template <class F>
std::optional<Result> call(F*, const Direct&, const Args&) { return std::nullopt; }  // memory forms

std::optional<Result> evaluate(const Direct& d, const Args& args) {
  switch (d.info->op) {
#define SIMD_OP(name, code, kind, function, extra) \
  case WasmOpSIMD::name: return call(interp::simd::function, d, args);
#include "interp/simd.def"
#undef SIMD_OP
  }
  return std::nullopt;
}

TEST(SimdSpecSemantics, AssertReturnsOfDirectInstructionsHold) {
  const fs::path dir = WIPPY_SPEC_DIR;
  ASSERT_TRUE(fs::is_directory(dir)) << dir << " (build the spec_json target)";
  unsigned checked = 0, failed = 0;
  std::map<std::string, unsigned> per_function;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    if (!name.starts_with("simd_")) continue;
    fs::path json_file = entry.path() / (name + ".json");
    std::ifstream in(json_file);
    nlohmann::json script = nlohmann::json::parse(in);
    std::map<std::string, Direct> directs;
    for (const auto& command : script.at("commands")) {
      const std::string& type = command.at("type").get_ref<const std::string&>();
      if (type == "module") {
        directs = direct_exports(entry.path() / command.at("filename").get<std::string>());
        continue;
      }
      if (type != "assert_return") continue;
      const auto& action = command.at("action");
      if (action.at("type") != "invoke" || action.contains("module")) continue;
      auto it = directs.find(action.at("field").get<std::string>());
      if (it == directs.end()) continue;
      Args args;
      for (const auto& arg : action.at("args")) args.push_back(parse_arg(arg));
      std::optional<Result> got = evaluate(it->second, args);
      ASSERT_TRUE(got.has_value());
      Expected expected = parse_expected(command.at("expected").at(0));
      ++checked;
      ++per_function[std::string(it->second.info->function)];
      if (!matches(expected, got->type, got->cells)) {
        ++failed;
        ADD_FAILURE() << name << ".wast:" << command.at("line") << " " << it->first << ": got "
                      << format_value(got->type, got->cells) << ", expected " << format_expected(expected);
      }
    }
  }
  EXPECT_EQ(failed, 0u);
  // The suite evaluates most of the non-memory instructions this way; a drop means the
  // body matching broke, not that the semantics got better.
  EXPECT_GT(checked, 15000u);
  EXPECT_GT(per_function.size(), 180u);
  std::printf("checked %u assertions on %zu instructions\n", checked, per_function.size());
}

}  // namespace
}  // namespace wippy::spectest

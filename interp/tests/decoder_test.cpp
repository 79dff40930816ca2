// Tests of the reader, the module decoder and instantiation, on hand-written bytes.
#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "interp/instance.h"
#include "interp/module.h"
#include "interp/reader.h"

namespace wippy::interp {
namespace {

using Bytes = std::vector<uint8_t>;

// "\0asm" version 1 followed by the given sections.
Bytes wasm(std::initializer_list<Bytes> sections) {
  Bytes b = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  for (const Bytes& s : sections)
    for (uint8_t byte : s) b.push_back(byte);
  return b;
}

// A section with the given id and contents (the contents must be < 128 bytes).
Bytes sec(uint8_t id, Bytes contents) {
  uint8_t size = static_cast<uint8_t>(contents.size());
  contents.insert(contents.begin(), {id, size});
  return contents;
}

struct Failure {
  ModuleError::Kind kind;
  std::string message;
};

// The error decode_module raises, or an empty message if it succeeds.
Failure decode_error(const Bytes& b) {
  try {
    decode_module(b);
  } catch (const ModuleError& e) {
    return {e.kind(), e.what()};
  }
  return {ModuleError::Kind::Malformed, ""};
}

#define EXPECT_MALFORMED(bytes, msg)                                 \
  do {                                                               \
    auto f_ = decode_error(bytes);                                   \
    EXPECT_EQ(f_.message, msg);                                      \
    EXPECT_EQ(f_.kind, ModuleError::Kind::Malformed) << f_.message;  \
  } while (0)
#define EXPECT_INVALID(bytes, msg)                                 \
  do {                                                             \
    auto f_ = decode_error(bytes);                                 \
    EXPECT_EQ(f_.message, msg);                                    \
    EXPECT_EQ(f_.kind, ModuleError::Kind::Invalid) << f_.message;  \
  } while (0)

// --- types --------------------------------------------------------------------

TEST(Types, FuncTypeToString) {
  EXPECT_EQ(to_string(FuncType{{ValType::I32, ValType::I64}, {ValType::F32}}), "[i32 i64] -> [f32]");
  EXPECT_EQ(to_string(FuncType{}), "[] -> []");
}

TEST(Types, CanonicalIdsAreStructural) {
  FuncType a{{ValType::I32}, {ValType::I64}};
  FuncType b{{ValType::I32}, {ValType::I64}};
  FuncType c{{ValType::I32, ValType::I64}, {}};
  FuncType d{{}, {ValType::I32, ValType::I64}};
  EXPECT_EQ(canonical_type_id(a), canonical_type_id(b));
  EXPECT_NE(canonical_type_id(a), canonical_type_id(c));
  EXPECT_NE(canonical_type_id(c), canonical_type_id(d));
  EXPECT_NE(canonical_type_id(FuncType{}), 0u);
}

TEST(Types, DescribeShowsOffset) {
  ModuleError e(ModuleError::Kind::Malformed, "unexpected end", 0x1f);
  EXPECT_EQ(e.describe(), "unexpected end (at byte 0x1f)");
}

// --- LEB128 and names --------------------------------------------------------------

std::string leb_u32_error(const Bytes& b) {
  try {
    Reader r(b);
    r.u32();
  } catch (const ModuleError& e) {
    return e.what();
  }
  return "";
}

std::string leb_s32_error(const Bytes& b) {
  try {
    Reader r(b);
    r.s32();
  } catch (const ModuleError& e) {
    return e.what();
  }
  return "";
}

TEST(Reader, UnsignedLeb) {
  EXPECT_EQ(Reader(Bytes{0x00}).u32(), 0u);
  EXPECT_EQ(Reader(Bytes{0xe5, 0x8e, 0x26}).u32(), 624485u);
  EXPECT_EQ(Reader(Bytes{0x80, 0x80, 0x80, 0x80, 0x00}).u32(), 0u);  // non-minimal is fine
  EXPECT_EQ(Reader(Bytes{0xff, 0xff, 0xff, 0xff, 0x0f}).u32(), UINT32_MAX);
  EXPECT_EQ(leb_u32_error({0xff, 0xff, 0xff, 0xff, 0x1f}), "integer too large");
  EXPECT_EQ(leb_u32_error({0x80, 0x80, 0x80, 0x80, 0x80, 0x00}), "integer representation too long");
  EXPECT_EQ(leb_u32_error({0x80, 0x80}), "unexpected end");
  EXPECT_EQ(leb_u32_error({}), "unexpected end");
  EXPECT_EQ(Reader(Bytes{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}).u64(), UINT64_MAX);
  Bytes too_large64 = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02};
  EXPECT_THROW(Reader(too_large64).u64(), ModuleError);
}

TEST(Reader, SignedLeb) {
  EXPECT_EQ(Reader(Bytes{0x7f}).s32(), -1);
  EXPECT_EQ(Reader(Bytes{0xff, 0xff, 0xff, 0xff, 0x7f}).s32(), -1);
  EXPECT_EQ(Reader(Bytes{0x80, 0x80, 0x80, 0x80, 0x78}).s32(), INT32_MIN);
  EXPECT_EQ(Reader(Bytes{0xff, 0xff, 0xff, 0xff, 0x07}).s32(), INT32_MAX);
  EXPECT_EQ(leb_s32_error({0xff, 0xff, 0xff, 0xff, 0x4f}), "integer too large");  // unused bits unset
  EXPECT_EQ(leb_s32_error({0x80, 0x80, 0x80, 0x80, 0x70}), "integer too large");  // unused bits set
  EXPECT_EQ(leb_s32_error({0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}), "integer representation too long");
  EXPECT_EQ(Reader(Bytes{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f}).s64(), INT64_MIN);
  EXPECT_EQ(Reader(Bytes{0x40}).s33(), -64);
  Bytes bad64 = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
  EXPECT_THROW(Reader(bad64).s64(), ModuleError);
}

// One- and two-byte integers take an inline path: it must agree with the general
// decoder (the same value in a non-minimal three-byte form) and consume exactly its
// bytes.
TEST(Reader, ShortLebMatchesTheLongForm) {
  // `v` in its `length`-byte form, followed by a marker byte.
  const auto check = [](unsigned v, unsigned length) {
    const bool negative = v & (1u << (7 * length - 1));
    const auto low = static_cast<uint8_t>((v & 0x7f) | 0x80);
    const auto high = static_cast<uint8_t>(v >> 7);
    const Bytes input = length == 1 ? Bytes{static_cast<uint8_t>(v), 0x2a} : Bytes{low, high, 0x2a};
    const uint8_t sign_bits = negative ? 0x7f : 0x00;
    const Bytes long_unsigned = {low, static_cast<uint8_t>(high | 0x80), 0x00};
    const Bytes long_signed = {low, static_cast<uint8_t>((length == 1 ? sign_bits : high) | 0x80), sign_bits};
    Reader u(input), s(input), s64(input), s33(input);
    EXPECT_EQ(u.u32(), Reader(long_unsigned).u32()) << v;
    EXPECT_EQ(s.s32(), Reader(long_signed).s32()) << v;
    EXPECT_EQ(s64.s64(), Reader(long_signed).s64()) << v;
    EXPECT_EQ(s33.s33(), Reader(long_signed).s33()) << v;
    EXPECT_EQ(u.u8(), 0x2a);
    EXPECT_EQ(s.u8(), 0x2a);
  };
  for (unsigned v = 0; v < 0x80; ++v) check(v, 1);
  for (unsigned v = 0; v < 0x4000; ++v) check(v, 2);
  // A two-byte value needs both bytes: cut short, it is the general decoder's error.
  EXPECT_EQ(leb_u32_error({0x80}), "unexpected end");
}


TEST(Reader, Names) {
  EXPECT_EQ(Reader(Bytes{0x02, 'h', 'i'}).name(), "hi");
  try {
    Reader(Bytes{0x05, 'h', 'i'}).name();
    FAIL();
  } catch (const ModuleError& e) {
    EXPECT_STREQ(e.what(), "length out of bounds");
  }
  try {
    Reader(Bytes{0x02, 0xc0, 0x80}).name();  // overlong NUL
    FAIL();
  } catch (const ModuleError& e) {
    EXPECT_STREQ(e.what(), "malformed UTF-8 encoding");
  }
}

TEST(Reader, Utf8) {
  auto ok = [](Bytes b) { return is_valid_utf8(b); };
  EXPECT_TRUE(ok({'a', 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80}));
  EXPECT_FALSE(ok({0x80}));                    // lone continuation
  EXPECT_FALSE(ok({0xc3}));                    // truncated
  EXPECT_FALSE(ok({0xe0, 0x80, 0x80}));        // overlong
  EXPECT_FALSE(ok({0xed, 0xa0, 0x80}));        // surrogate
  EXPECT_FALSE(ok({0xf4, 0x90, 0x80, 0x80}));  // above U+10FFFF
  EXPECT_FALSE(ok({0xfe}));
}

// --- header and sections -------------------------------------------------------------

TEST(Decoder, EmptyModule) {
  auto m = decode_module(wasm({}));
  EXPECT_TRUE(m->types.empty());
  EXPECT_TRUE(m->functions.empty());
}

TEST(Decoder, Header) {
  EXPECT_MALFORMED(Bytes{}, "unexpected end");
  EXPECT_MALFORMED((Bytes{0x00, 0x61, 0x73}), "unexpected end");
  EXPECT_MALFORMED((Bytes{0x00, 0x61, 0x73, 0x6e, 1, 0, 0, 0}), "magic header not detected");
  EXPECT_MALFORMED((Bytes{0x00, 0x61, 0x73, 0x6d, 1, 0}), "unexpected end");
  EXPECT_MALFORMED((Bytes{0x00, 0x61, 0x73, 0x6d, 2, 0, 0, 0}), "unknown binary version");
}

TEST(Decoder, SectionFraming) {
  EXPECT_MALFORMED(wasm({{0x0d, 0x00}}), "malformed section id");
  EXPECT_MALFORMED(wasm({{0x01, 0x05, 0x00}}), "length out of bounds");
  EXPECT_MALFORMED(wasm({sec(1, {0x00, 0x00})}), "section size mismatch");
  EXPECT_MALFORMED(wasm({sec(1, {0x01, 0x60, 0x00})}), "unexpected end of section or function");
  // Out of order and duplicated sections.
  EXPECT_MALFORMED(wasm({sec(3, {0x00}), sec(1, {0x00})}), "unexpected content after last section");
  EXPECT_MALFORMED(wasm({sec(1, {0x00}), sec(1, {0x00})}), "unexpected content after last section");
  // The data count section comes before the code section.
  EXPECT_NO_THROW(decode_module(wasm({sec(12, {0x00}), sec(10, {0x00})})));
  EXPECT_MALFORMED(wasm({sec(10, {0x00}), sec(12, {0x00})}), "unexpected content after last section");
}

TEST(Decoder, CustomAndNameSections) {
  // A custom section may appear anywhere, even twice.
  EXPECT_NO_THROW(decode_module(wasm({sec(0, {0x01, 'x', 1, 2}), sec(1, {0x00}), sec(0, {0x01, 'x'})})));
  EXPECT_MALFORMED(wasm({sec(0, {})}), "unexpected end of section or function");
  EXPECT_MALFORMED(wasm({sec(0, {0x02, 0xff, 0xfe})}), "malformed UTF-8 encoding");

  // Types, one function, name section: module "m", function 0 "f".
  Bytes names = {0x04, 'n', 'a', 'm', 'e',
                 0x00, 0x02, 0x01, 'm',
                 0x01, 0x04, 0x01, 0x00, 0x01, 'f'};
  auto m = decode_module(wasm({sec(1, {0x01, 0x60, 0x00, 0x00}), sec(3, {0x01, 0x00}),
                               sec(10, {0x01, 0x02, 0x00, 0x0b}), sec(0, names)}));
  EXPECT_EQ(m->module_name, "m");
  ASSERT_EQ(m->func_names.count(0), 1u);
  EXPECT_EQ(m->func_names.at(0), "f");

  // A broken name section is ignored.
  Bytes broken = {0x04, 'n', 'a', 'm', 'e', 0x01, 0x7f, 0x01};
  EXPECT_NO_THROW(decode_module(wasm({sec(0, broken)})));
  Bytes bad_utf8 = {0x04, 'n', 'a', 'm', 'e', 0x00, 0x02, 0x01, 0xff};
  EXPECT_NO_THROW(decode_module(wasm({sec(0, bad_utf8)})));
}

TEST(Decoder, Types) {
  auto m = decode_module(wasm({sec(1, {0x02, 0x60, 0x02, 0x7f, 0x7e, 0x01, 0x7d, 0x60, 0x00, 0x02, 0x70, 0x6f})}));
  ASSERT_EQ(m->types.size(), 2u);
  EXPECT_EQ(to_string(m->types[0]), "[i32 i64] -> [f32]");
  EXPECT_EQ(to_string(m->types[1]), "[] -> [funcref externref]");
  EXPECT_EQ(m->type_ids[0], canonical_type_id(m->types[0]));
  EXPECT_MALFORMED(wasm({sec(1, {0x01, 0x61, 0x00, 0x00})}), "malformed function type");
  EXPECT_EQ(to_string(decode_module(wasm({sec(1, {0x01, 0x60, 0x01, 0x7b, 0x01, 0x7b})}))->types[0]),
            "[v128] -> [v128]");
  EXPECT_MALFORMED(wasm({sec(1, {0x01, 0x60, 0x01, 0x55, 0x00})}), "malformed value type");
}

TEST(Decoder, Imports) {
  Bytes type = sec(1, {0x01, 0x60, 0x00, 0x00});
  EXPECT_MALFORMED(wasm({sec(2, {0x01, 0x00, 0x00, 0x04})}), "malformed import kind");
  EXPECT_MALFORMED(wasm({sec(2, {0x01, 0x00, 0x00, 0x80})}), "malformed import kind");
  EXPECT_INVALID(wasm({sec(2, {0x01, 0x00, 0x00, 0x00, 0x00})}), "unknown type 0");
  EXPECT_MALFORMED(wasm({sec(2, {0x01, 0x00, 0x00, 0x03, 0x7f, 0x02})}), "malformed mutability");
  EXPECT_EQ(decode_module(wasm({sec(2, {0x01, 0x00, 0x00, 0x03, 0x7b, 0x00})}))->globals[0].type, ValType::V128);
  // Multi-memory: two imported memories.
  EXPECT_EQ(decode_module(wasm({sec(2, {0x02, 0x00, 0x00, 0x02, 0x00, 0x01, 0x00, 0x00, 0x02, 0x00, 0x01})}))
                ->num_imported_memories,
            2u);

  auto m = decode_module(wasm({type, sec(2, {0x04,
                                             0x01, 'a', 0x01, 'f', 0x00, 0x00,
                                             0x01, 'a', 0x01, 't', 0x01, 0x70, 0x01, 0x01, 0x02,
                                             0x01, 'a', 0x01, 'm', 0x02, 0x00, 0x01,
                                             0x01, 'a', 0x01, 'g', 0x03, 0x7e, 0x01})}));
  EXPECT_EQ(m->imports.size(), 4u);
  EXPECT_EQ(m->num_imported_funcs, 1u);
  EXPECT_EQ(m->num_imported_tables, 1u);
  EXPECT_EQ(m->num_imported_memories, 1u);
  EXPECT_EQ(m->num_imported_globals, 1u);
  EXPECT_EQ(*m->tables[0].limits.max, 2u);
  EXPECT_TRUE(m->globals[0].mut);
  EXPECT_EQ(m->imports[2].name, "m");
}

TEST(Decoder, Limits) {
  EXPECT_MALFORMED(wasm({sec(5, {0x01, 0x02, 0x00})}), "integer too large");
  EXPECT_MALFORMED(wasm({sec(5, {0x01, 0x81, 0x00, 0x00})}), "integer representation too long");
  EXPECT_INVALID(wasm({sec(5, {0x01, 0x01, 0x02, 0x01})}), "size minimum must not be greater than maximum");
  EXPECT_INVALID(wasm({sec(5, {0x01, 0x00, 0x81, 0x80, 0x04})}), "memory size must be at most 65536 pages (4GiB)");
  EXPECT_EQ(decode_module(wasm({sec(5, {0x02, 0x00, 0x00, 0x00, 0x00})}))->memories.size(), 2u);
  EXPECT_MALFORMED(wasm({sec(5, {0x65})}), "too many memories: 101 (limit 100)");
  EXPECT_INVALID(wasm({sec(4, {0x01, 0x70, 0x01, 0x02, 0x01})}), "size minimum must not be greater than maximum");
  EXPECT_MALFORMED(wasm({sec(4, {0x01, 0x7f, 0x00, 0x00})}), "malformed reference type");
  auto m = decode_module(wasm({sec(4, {0x02, 0x70, 0x00, 0x00, 0x6f, 0x01, 0x00, 0x80, 0x80, 0x04})}));
  ASSERT_EQ(m->tables.size(), 2u);
  EXPECT_EQ(m->tables[1].elem, ValType::ExternRef);
  EXPECT_EQ(*m->tables[1].limits.max, 65536u);
}

TEST(Decoder, GlobalsAndConstExprs) {
  auto global = [](Bytes def) {
    Bytes contents = {0x01};
    contents.insert(contents.end(), def.begin(), def.end());
    return wasm({sec(6, contents)});
  };
  auto m = decode_module(global({0x7f, 0x01, 0x41, 0x7f, 0x0b}));
  ASSERT_EQ(m->global_defs.size(), 1u);
  EXPECT_EQ(m->global_defs[0].init.instrs[0].imm, 0xffffffffu);  // i32 -1, zero-extended
  EXPECT_INVALID(global({0x7f, 0x00, 0x42, 0x00, 0x0b}), "type mismatch");
  EXPECT_INVALID(global({0x7f, 0x00, 0x0b}), "type mismatch");
  EXPECT_INVALID(global({0x7f, 0x00, 0x41, 0x00, 0x41, 0x00, 0x0b}), "type mismatch");
  EXPECT_INVALID(global({0x7f, 0x00, 0x41, 0x00, 0x01, 0x0b}), "constant expression required");
  EXPECT_INVALID(global({0x7f, 0x00, 0x41, 0x00, 0x41, 0x00, 0x6d, 0x0b}), "constant expression required");
  EXPECT_MALFORMED(global({0x7f, 0x00, 0xf3, 0x0b}), "illegal opcode f3");
  EXPECT_INVALID(global({0x7f, 0x00, 0x23, 0x00, 0x0b}), "unknown global 0");
  EXPECT_MALFORMED(global({0x7f, 0x02, 0x41, 0x00, 0x0b}), "malformed mutability");
  EXPECT_MALFORMED(global({0x7b, 0x00, 0xfd, 0x0c}), "unexpected end of section or function");
  EXPECT_INVALID(global({0x70, 0x00, 0xd2, 0x00, 0x0b}), "unknown function 0");
  EXPECT_INVALID(global({0x70, 0x00, 0xd0, 0x6f, 0x0b}), "type mismatch");

  // global.get of an imported global: allowed if immutable.
  Bytes import_const = sec(2, {0x01, 0x00, 0x00, 0x03, 0x7f, 0x00});
  Bytes import_mut = sec(2, {0x01, 0x00, 0x00, 0x03, 0x7f, 0x01});
  Bytes get0 = sec(6, {0x01, 0x7f, 0x00, 0x23, 0x00, 0x0b});
  EXPECT_NO_THROW(decode_module(wasm({import_const, get0})));
  EXPECT_INVALID(wasm({import_mut, get0}), "constant expression required");
  // A defined global may not be read by another initialiser (WebAssembly 2.0).
  EXPECT_INVALID(wasm({sec(6, {0x02, 0x7f, 0x00, 0x41, 0x00, 0x0b, 0x7f, 0x00, 0x23, 0x00, 0x0b})}),
                 "unknown global 0");
}

// type () -> (), one function "f" exported, start = f.
Bytes one_func_module(Bytes extra_before_code = {}) {
  Bytes b = wasm({sec(1, {0x01, 0x60, 0x00, 0x00}), sec(3, {0x01, 0x00})});
  b.insert(b.end(), extra_before_code.begin(), extra_before_code.end());
  Bytes code = sec(10, {0x01, 0x02, 0x00, 0x0b});
  b.insert(b.end(), code.begin(), code.end());
  return b;
}

TEST(Decoder, ExportsAndStart) {
  auto m = decode_module(one_func_module(sec(7, {0x01, 0x01, 'f', 0x00, 0x00})));
  ASSERT_EQ(m->exports.size(), 1u);
  EXPECT_NE(m->find_export("f"), nullptr);
  EXPECT_TRUE(m->declared_funcs.at(0));
  EXPECT_INVALID(one_func_module(sec(7, {0x02, 0x01, 'f', 0x00, 0x00, 0x01, 'f', 0x00, 0x00})),
                 "duplicate export name");
  EXPECT_INVALID(one_func_module(sec(7, {0x01, 0x01, 'f', 0x00, 0x01})), "unknown function 1");
  EXPECT_INVALID(one_func_module(sec(7, {0x01, 0x01, 'f', 0x01, 0x00})), "unknown table 0");
  EXPECT_INVALID(one_func_module(sec(7, {0x01, 0x01, 'f', 0x02, 0x00})), "unknown memory 0");
  EXPECT_INVALID(one_func_module(sec(7, {0x01, 0x01, 'f', 0x03, 0x00})), "unknown global 0");
  EXPECT_MALFORMED(one_func_module(sec(7, {0x01, 0x01, 'f', 0x04, 0x00})), "malformed export kind");

  EXPECT_EQ(decode_module(one_func_module(sec(8, {0x00})))->start, 0u);
  EXPECT_INVALID(one_func_module(sec(8, {0x01})), "unknown function 1");
  Bytes bad_start = wasm({sec(1, {0x01, 0x60, 0x01, 0x7f, 0x00}), sec(3, {0x01, 0x00}), sec(8, {0x00}),
                          sec(10, {0x01, 0x02, 0x00, 0x0b})});
  EXPECT_INVALID(bad_start, "start function");
}

TEST(Decoder, FunctionsAndCode) {
  auto m = decode_module(wasm({sec(1, {0x01, 0x60, 0x02, 0x7f, 0x7e, 0x01, 0x7f}), sec(3, {0x01, 0x00}),
                               sec(10, {0x01, 0x07, 0x02, 0x02, 0x7d, 0x01, 0x6f, 0x00, 0x0b})}));
  ASSERT_EQ(m->functions.size(), 1u);
  const Function& f = m->function(0);
  EXPECT_EQ(f.num_params, 2u);
  EXPECT_EQ(f.num_results, 1u);
  EXPECT_EQ(f.num_locals, 5u);
  EXPECT_EQ(f.local_types, (std::vector<ValType>{ValType::F32, ValType::F32, ValType::ExternRef}));
  EXPECT_EQ(f.type_id, m->type_ids[0]);
  EXPECT_GT(m->code_bytes, 0u);

  Bytes type = sec(1, {0x01, 0x60, 0x00, 0x00});
  EXPECT_MALFORMED(wasm({type, sec(3, {0x02, 0x00, 0x00})}), "function and code section have inconsistent lengths");
  EXPECT_MALFORMED(wasm({sec(10, {0x01, 0x02, 0x00, 0x0b})}), "function and code section have inconsistent lengths");
  EXPECT_INVALID(wasm({type, sec(3, {0x01, 0x01}), sec(10, {0x01, 0x02, 0x00, 0x0b})}), "unknown type 1");
  // 0xffffffff + 2 locals.
  EXPECT_MALFORMED(wasm({type, sec(3, {0x01, 0x00}),
                         sec(10, {0x01, 0x0a, 0x02, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x7f, 0x02, 0x7e, 0x0b})}),
                   "too many locals: 4294967297 (limit 50000)");
  // Two million locals: legal for the spec, over our limit (limits_test.cpp).
  EXPECT_MALFORMED(wasm({type, sec(3, {0x01, 0x00}), sec(10, {0x01, 0x06, 0x01, 0x80, 0x89, 0x7a, 0x7f, 0x0b})}),
                   "too many locals: 2000000 (limit 50000)");
  // A v128 local takes two cells.
  EXPECT_EQ(decode_module(wasm({type, sec(3, {0x01, 0x00}), sec(10, {0x01, 0x04, 0x01, 0x01, 0x7b, 0x0b})}))
                ->function(0)
                .num_locals,
            2u);
  // A body missing its `end` at the end of the module.
  EXPECT_MALFORMED(wasm({type, sec(3, {0x01, 0x00}), sec(10, {0x01, 0x03, 0x00, 0x41, 0x01})}),
                   "unexpected end of section or function");
}

TEST(Decoder, ElementSegments) {
  Bytes type = sec(1, {0x01, 0x60, 0x00, 0x00});
  Bytes func = sec(3, {0x01, 0x00});
  Bytes table = sec(4, {0x01, 0x70, 0x00, 0x01});
  Bytes code = sec(10, {0x01, 0x02, 0x00, 0x0b});
  auto with_elems = [&](Bytes elems) { return wasm({type, func, table, sec(9, elems), code}); };

  // All eight encodings.
  auto m = decode_module(with_elems({0x08,
                       0x00, 0x41, 0x00, 0x0b, 0x01, 0x00,                    // 0: active, func indices
                       0x01, 0x00, 0x01, 0x00,                                // 1: passive
                       0x02, 0x00, 0x41, 0x00, 0x0b, 0x00, 0x01, 0x00,        // 2: active, table 0
                       0x03, 0x00, 0x01, 0x00,                                // 3: declarative
                       0x04, 0x41, 0x00, 0x0b, 0x01, 0xd2, 0x00, 0x0b,        // 4: active, exprs
                       0x05, 0x70, 0x01, 0xd0, 0x70, 0x0b,                    // 5: passive, exprs
                       0x06, 0x00, 0x41, 0x00, 0x0b, 0x70, 0x00,              // 6: active, table 0, exprs
                       0x07, 0x6f, 0x01, 0xd0, 0x6f, 0x0b}));                 // 7: declarative, exprs
  ASSERT_EQ(m->elems.size(), 8u);
  EXPECT_EQ(m->elems[1].mode, SegmentMode::Passive);
  EXPECT_EQ(m->elems[3].mode, SegmentMode::Declarative);
  EXPECT_EQ(m->elems[7].type, ValType::ExternRef);
  EXPECT_EQ(m->elems[4].items[0].instrs[0].op, ConstInstr::Op::RefFunc);
  EXPECT_TRUE(m->declared_funcs.at(0));

  EXPECT_INVALID(with_elems({0x01, 0x02, 0x01, 0x41, 0x00, 0x0b, 0x00, 0x00}), "unknown table 1");
  EXPECT_INVALID(with_elems({0x01, 0x00, 0x41, 0x00, 0x0b, 0x01, 0x01}), "unknown function 1");
  EXPECT_INVALID(with_elems({0x01, 0x06, 0x00, 0x41, 0x00, 0x0b, 0x6f, 0x00}), "type mismatch");
  EXPECT_INVALID(with_elems({0x01, 0x05, 0x70, 0x01, 0xd0, 0x6f, 0x0b}), "type mismatch");
  EXPECT_INVALID(with_elems({0x01, 0x00, 0x42, 0x00, 0x0b, 0x00}), "type mismatch");
  EXPECT_MALFORMED(with_elems({0x01, 0x05, 0x7f, 0x01, 0xd2, 0x00, 0x0b}), "malformed reference type");
  EXPECT_MALFORMED(with_elems({0x01, 0x01, 0x01, 0x00}), "malformed element kind");
  EXPECT_MALFORMED(with_elems({0x01, 0x08}), "malformed elements segment kind");
  EXPECT_MALFORMED(with_elems({0x01, 0x05, 0x70, 0x01, 0xf3, 0x00, 0x0b}), "illegal opcode f3");
}

TEST(Decoder, DataSegments) {
  Bytes memory = sec(5, {0x01, 0x00, 0x01});
  auto m = decode_module(wasm({memory, sec(11, {0x03,
                                                 0x00, 0x41, 0x10, 0x0b, 0x02, 'h', 'i',
                                                 0x01, 0x01, 'x',
                                                 0x02, 0x00, 0x41, 0x00, 0x0b, 0x00})}));
  ASSERT_EQ(m->datas.size(), 3u);
  EXPECT_EQ(m->datas[0].bytes, (Bytes{'h', 'i'}));
  EXPECT_EQ(m->datas[1].mode, SegmentMode::Passive);
  EXPECT_FALSE(m->data_count.has_value());

  EXPECT_INVALID(wasm({sec(11, {0x01, 0x00, 0x41, 0x00, 0x0b, 0x00})}), "unknown memory 0");
  EXPECT_INVALID(wasm({memory, sec(11, {0x01, 0x02, 0x01, 0x41, 0x00, 0x0b, 0x00})}), "unknown memory 1");
  EXPECT_MALFORMED(wasm({memory, sec(11, {0x01, 0x03})}), "malformed data segment kind");
  EXPECT_MALFORMED(wasm({memory, sec(11, {0x01, 0x01, 0x05, 'a'})}), "unexpected end of section or function");
  EXPECT_MALFORMED(wasm({sec(12, {0x02}), sec(11, {0x01, 0x01, 0x00})}),
                   "data count and data section have inconsistent lengths");
  EXPECT_MALFORMED(wasm({sec(12, {0x01})}), "data count and data section have inconsistent lengths");
  EXPECT_EQ(decode_module(wasm({sec(12, {0x01}), sec(11, {0x01, 0x01, 0x00})}))->data_count, 1u);
}

// --- robustness ------------------------------------------------------------------------

// A module that touches most sections.
Bytes rich_module() {
  return wasm({
      sec(1, {0x02, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x60, 0x00, 0x00}),
      sec(2, {0x02, 0x01, 'e', 0x01, 'f', 0x00, 0x00, 0x01, 'e', 0x01, 'g', 0x03, 0x7f, 0x00}),
      sec(3, {0x02, 0x00, 0x01}),
      sec(4, {0x01, 0x70, 0x01, 0x03, 0x04}),
      sec(5, {0x01, 0x01, 0x01, 0x02}),
      sec(6, {0x02, 0x7f, 0x01, 0x23, 0x00, 0x0b, 0x70, 0x00, 0xd2, 0x01, 0x0b}),
      sec(7, {0x02, 0x03, 'a', 'd', 'd', 0x00, 0x01, 0x03, 'm', 'e', 'm', 0x02, 0x00}),
      sec(8, {0x02}),
      sec(9, {0x02, 0x00, 0x41, 0x01, 0x0b, 0x02, 0x01, 0x02, 0x05, 0x70, 0x01, 0xd0, 0x70, 0x0b}),
      sec(12, {0x02}),
      sec(10, {0x02, 0x09, 0x01, 0x01, 0x7e, 0x20, 0x00, 0x41, 0x01, 0x6a, 0x0b, 0x02, 0x00, 0x0b}),
      sec(11, {0x02, 0x00, 0x41, 0x08, 0x0b, 0x03, 'a', 'b', 'c', 0x01, 0x02, 'd', 'e'}),
      sec(0, {0x04, 'n', 'a', 'm', 'e', 0x01, 0x05, 0x01, 0x01, 0x02, 'f', '1'}),
  });
}

TEST(Decoder, RichModuleDecodes) {
  auto m = decode_module(rich_module());
  EXPECT_EQ(m->functions.size(), 2u);
  EXPECT_EQ(m->func_names.at(1), "f1");
  EXPECT_EQ(m->start, 2u);
  EXPECT_EQ(m->data_count, 2u);
}

// Every prefix and every single-bit flip either decodes or throws ModuleError.
TEST(Decoder, NeverCrashesOnCorruptInput) {
  const Bytes good = rich_module();
  auto try_decode = [](const Bytes& b) {
    try {
      decode_module(b);
    } catch (const ModuleError&) {
    }
  };
  for (size_t n = 0; n < good.size(); ++n) {
    Bytes prefix(good.begin(), good.begin() + static_cast<ptrdiff_t>(n));
    EXPECT_NO_FATAL_FAILURE(try_decode(prefix));
  }
  for (size_t i = 0; i < good.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      Bytes b = good;
      b[i] ^= static_cast<uint8_t>(1u << bit);
      EXPECT_NO_FATAL_FAILURE(try_decode(b));
    }
  }
}

// --- instantiation ------------------------------------------------------------------

TEST(Instance, MemoryGrow) {
  Memory mem(MemoryType{{1, 3}}, 2);
  EXPECT_EQ(mem.pages, 1u);
  EXPECT_EQ(mem.size, kPageSize);
  EXPECT_EQ(mem.max_pages, 2u);
  mem.data[0] = 7;
  EXPECT_EQ(mem.grow(1), 1);
  EXPECT_EQ(mem.data[0], 7);
  EXPECT_EQ(mem.data[kPageSize + 5], 0);
  EXPECT_EQ(mem.grow(1), -1);  // store limit
  EXPECT_EQ(mem.grow(0), 2);
  EXPECT_THROW(Memory(MemoryType{{3, {}}}, 2), LinkError);
}

TEST(Instance, TableGrow) {
  Table t(TableType{ValType::FuncRef, {1, 3}}, 100, 0);
  EXPECT_EQ(t.grow(2, 5), 1);
  EXPECT_EQ(t.elems.size(), 3u);
  EXPECT_EQ(t.elems[2], 5u);
  EXPECT_EQ(t.grow(1, 0), -1);
  Table u(TableType{ValType::ExternRef, {0, {}}}, 4, 0);
  EXPECT_EQ(u.grow(5, 0), -1);
  EXPECT_EQ(u.grow(4, 0), 0);
}

TEST(Instance, InstantiatesRichModule) {
  auto m = decode_module(rich_module());
  Store store;
  auto host = std::make_shared<HostFunc>(HostFunc{FuncType{{ValType::I32}, {ValType::I32}}, {}, "e.f"});
  FuncInst* hf = store.new_host_func(host);
  Global* g = store.new_global(GlobalType{ValType::I32, false}, 42);
  Extern imports[] = {Extern::of(hf), Extern::of(g)};
  Instance* inst = store.instantiate(m, imports);

  ASSERT_EQ(inst->funcs.size(), 3u);
  EXPECT_EQ(inst->funcs[0], hf);
  EXPECT_EQ(inst->funcs[1]->instance, inst);
  EXPECT_EQ(inst->funcs[1]->code, &m->function(1));
  EXPECT_EQ(inst->funcs[1]->type_id, hf->type_id);  // same signature, same id
  EXPECT_EQ(inst->funcs[2]->index, 2u);
  ASSERT_EQ(inst->globals.size(), 3u);
  EXPECT_EQ(inst->globals[1]->value, 42u);
  EXPECT_EQ(inst->globals[2]->value, reinterpret_cast<uintptr_t>(inst->funcs[1]));

  // Active elem segment 0 wrote funcs 1 and 2 at table[1..2], then was dropped.
  EXPECT_EQ(inst->tables[0]->elems[1], reinterpret_cast<uintptr_t>(inst->funcs[1]));
  EXPECT_EQ(inst->tables[0]->elems[2], reinterpret_cast<uintptr_t>(inst->funcs[2]));
  EXPECT_EQ(inst->tables[0]->elems[0], 0u);
  EXPECT_TRUE(inst->elem_segments[0].empty());
  ASSERT_EQ(inst->elem_segments[1].size(), 1u);  // passive: kept
  EXPECT_EQ(inst->elem_segments[1][0], 0u);

  Memory* mem = inst->memories[0];
  EXPECT_EQ(std::string(reinterpret_cast<char*>(mem->data) + 8, 3), "abc");
  EXPECT_TRUE(inst->data_dropped[0]);
  EXPECT_FALSE(inst->data_dropped[1]);

  auto ex = inst->get_export("mem");
  ASSERT_TRUE(ex.has_value());
  EXPECT_EQ(ex->kind, ExternKind::Memory);
  EXPECT_EQ(ex->memory, mem);
  EXPECT_FALSE(inst->get_export("nope").has_value());
  HostCall call{inst, nullptr, nullptr};
  EXPECT_EQ(call.memory(), mem);
}

TEST(Instance, ImportMatching) {
  auto m = decode_module(rich_module());
  Store store;
  auto wrong = std::make_shared<HostFunc>(HostFunc{FuncType{{}, {}}, {}, "e.f"});
  Global* g = store.new_global(GlobalType{ValType::I32, false}, 1);
  Global* gm = store.new_global(GlobalType{ValType::I32, true}, 1);
  Extern bad_func[] = {Extern::of(store.new_host_func(wrong)), Extern::of(g)};
  try {
    store.instantiate(m, bad_func);
    FAIL();
  } catch (const LinkError& e) {
    EXPECT_STREQ(e.what(), "incompatible import type");
  }
  auto right = std::make_shared<HostFunc>(HostFunc{FuncType{{ValType::I32}, {ValType::I32}}, {}, "e.f"});
  FuncInst* rf = store.new_host_func(right);
  Extern mut_global[] = {Extern::of(rf), Extern::of(gm)};
  EXPECT_THROW(store.instantiate(m, mut_global), LinkError);
  Extern wrong_kind[] = {Extern::of(rf), Extern::of(rf)};
  EXPECT_THROW(store.instantiate(m, wrong_kind), LinkError);
  Extern too_few[] = {Extern::of(rf)};
  EXPECT_THROW(store.instantiate(m, too_few), LinkError);

  // Limits: the extern's current size counts as its minimum.
  Import mem_import;
  mem_import.kind = ExternKind::Memory;
  mem_import.memory = MemoryType{{2, 4}};
  Memory* small = store.new_memory(MemoryType{{1, 4}});
  EXPECT_EQ(match_import(*m, mem_import, Extern::of(small)), "incompatible import type");
  small->grow(1);
  EXPECT_EQ(match_import(*m, mem_import, Extern::of(small)), "");
  Memory* unbounded = store.new_memory(MemoryType{{2, {}}});
  EXPECT_EQ(match_import(*m, mem_import, Extern::of(unbounded)), "incompatible import type");
  Import table_import;
  table_import.kind = ExternKind::Table;
  table_import.table = TableType{ValType::FuncRef, {1, {}}};
  EXPECT_EQ(match_import(*m, table_import, Extern::of(store.new_table(TableType{ValType::FuncRef, {1, 2}}))), "");
  EXPECT_EQ(match_import(*m, table_import, Extern::of(store.new_table(TableType{ValType::ExternRef, {1, 2}}))),
            "incompatible import type");
}

TEST(Instance, SegmentOutOfBoundsTrapsAfterEarlierWrites) {
  // memory 1 page; data "a" at 0, then "b" at 65536 (out of bounds).
  auto m = decode_module(wasm({sec(5, {0x01, 0x00, 0x01}),
                               sec(11, {0x02, 0x00, 0x41, 0x00, 0x0b, 0x01, 'a',
                                        0x00, 0x41, 0x80, 0x80, 0x04, 0x0b, 0x01, 'b'})}));
  Store store;
  Memory* shared = store.new_memory(MemoryType{{1, {}}});
  (void)shared;
  try {
    store.instantiate(m, {});
    FAIL();
  } catch (const TrapError& e) {
    EXPECT_STREQ(e.what(), "out of bounds memory access");
  }

  // Table of size 1 imported, elem writes at 0 then out of bounds at 1.
  auto t = decode_module(wasm({sec(1, {0x01, 0x60, 0x00, 0x00}),
                               sec(2, {0x01, 0x00, 0x01, 't', 0x01, 0x70, 0x00, 0x01}),
                               sec(3, {0x01, 0x00}),
                               sec(9, {0x02, 0x00, 0x41, 0x00, 0x0b, 0x01, 0x00,
                                       0x00, 0x41, 0x01, 0x0b, 0x01, 0x00}),
                               sec(10, {0x01, 0x02, 0x00, 0x0b})}));
  Table* table = store.new_table(TableType{ValType::FuncRef, {1, {}}});
  Extern imports[] = {Extern::of(table)};
  EXPECT_THROW(store.instantiate(t, imports), TrapError);
  ASSERT_NE(table->elems[0], 0u);
  // The function written there stays usable: its instance lives in the store.
  auto* f = reinterpret_cast<FuncInst*>(table->elems[0]);
  EXPECT_EQ(f->index, 0u);
  EXPECT_EQ(f->instance->module, t);
}

TEST(Instance, MemoryOverStoreLimit) {
  auto m = decode_module(wasm({sec(5, {0x01, 0x00, 0x10})}));
  StoreLimits limits;
  limits.max_memory_pages = 8;
  Store store(limits);
  try {
    store.instantiate(m, {});
    FAIL();
  } catch (const LinkError& e) {
    EXPECT_STREQ(e.what(), "memory of 16 pages exceeds the limit of 8 pages");
  }
}

}  // namespace
}  // namespace wippy::interp

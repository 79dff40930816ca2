// The component decoder: the test guests decode; damaged and hand-made binaries
// are refused with a ComponentError naming the problem and its byte offset, and
// never crash, hang or allocate without bound.
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>

#include "component/component.h"
#include "component/instance.h"
#include "component/loader.h"
#include "component/tests/guest_util.h"
#include "engine/engine.h"

namespace wippy::component {
namespace {

using test::read_guest;
using Bytes = std::vector<uint8_t>;

// --- a tiny component assembler -------------------------------------------------

void leb(Bytes& b, uint32_t v) {
  do {
    uint8_t byte = v & 0x7f;
    v >>= 7;
    b.push_back(byte | (v ? 0x80 : 0));
  } while (v);
}
// Value types name a type index in signed LEB128 (s33), so 64 is 0xc0 0x00.
void sleb(Bytes& b, int64_t v) {
  bool more = true;
  while (more) {
    uint8_t byte = v & 0x7f;
    v >>= 7;
    more = !((v == 0 && !(byte & 0x40)) || (v == -1 && (byte & 0x40)));
    b.push_back(byte | (more ? 0x80 : 0));
  }
}
void name(Bytes& b, const std::string& s) {
  leb(b, static_cast<uint32_t>(s.size()));
  b.insert(b.end(), s.begin(), s.end());
}
Bytes preamble() { return {0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00}; }
void section(Bytes& c, uint8_t id, const Bytes& body) {
  c.push_back(id);
  leb(c, static_cast<uint32_t>(body.size()));
  c.insert(c.end(), body.begin(), body.end());
}
Bytes component_with(uint8_t id, const Bytes& body) {
  Bytes c = preamble();
  section(c, id, body);
  return c;
}

struct Refusal {
  ComponentError::Kind kind;
  std::string message;
  size_t offset;
};
Refusal refusal(const Bytes& bytes) {
  try {
    decode_component(bytes);
  } catch (const ComponentError& e) {
    return {e.kind(), e.what(), e.offset()};
  }
  ADD_FAILURE() << "decoded";
  return {};
}

TEST(ComponentDecoder, DecodesTheTypesGuest) {
  Bytes bytes = read_guest("types.component.wasm");
  ASSERT_TRUE(is_component(bytes));
  auto c = decode_component(bytes);
  ASSERT_EQ(c->imports.size(), 1u);
  EXPECT_EQ(c->imports[0].name, "test:types/host");
  ASSERT_NE(c->find_export("add"), nullptr);
  ASSERT_NE(c->find_export("test:types/api"), nullptr);
  EXPECT_EQ(c->components.size(), 1u);  // wit-component's shim for the exported interface
  EXPECT_FALSE(c->core_modules.empty());
}

TEST(ComponentDecoder, CoreModulesAreNotComponents) {
  Bytes core = read_guest("types_core.wasm");
  EXPECT_FALSE(is_component(core));
  Refusal r = refusal(core);
  EXPECT_EQ(r.message, "not a component (layer field is not 1)");
  EXPECT_EQ(r.offset, 6u);
}

// The engine's options (wippy wasm --no-fuel-metering, --eager-translation) reach
// the core modules inside a component, and the loader's cache keeps them apart.
TEST(ComponentDecoder, CoreModulesAreDecodedWithTheGivenOptions) {
  Bytes bytes = read_guest("types.component.wasm");
  auto metered = decode_component(bytes);
  auto unmetered = decode_component(bytes, {.fuel_metering = false, .translation = engine::Translation::Lazy});
  ASSERT_EQ(metered->core_modules.size(), unmetered->core_modules.size());
  size_t with_code = 0;
  for (size_t i = 0; i < metered->core_modules.size(); i++) {
    EXPECT_TRUE(metered->core_modules[i]->fuel_metering);
    EXPECT_FALSE(metered->core_modules[i]->lazy);  // small: translated at load
    EXPECT_FALSE(unmetered->core_modules[i]->fuel_metering);
    EXPECT_TRUE(unmetered->core_modules[i]->lazy);
    with_code += !unmetered->core_modules[i]->functions.empty();
  }
  EXPECT_GT(with_code, 0u);

  auto a = load_component(bytes);
  EXPECT_EQ(load_component(bytes), a);  // the same bytes and options: decoded once
  auto b = load_component(bytes, {}, {.fuel_metering = false});
  EXPECT_NE(b, a);
  EXPECT_FALSE(b->core_modules[0]->fuel_metering);
  EXPECT_EQ(load_component(bytes, {}, {.fuel_metering = false}), b);
}

TEST(ComponentDecoder, EmptyComponentDecodes) {
  auto c = decode_component(preamble());
  EXPECT_TRUE(c->definitions.empty());
}

TEST(ComponentDecoder, RefusesOtherVersionsAndBadHeaders) {
  Bytes b = preamble();
  b[4] = 0x0e;
  Refusal r = refusal(b);
  EXPECT_EQ(r.kind, ComponentError::Kind::Unsupported);
  EXPECT_EQ(r.message, "unsupported component binary version 0x0e (expected 0x0d)");
  EXPECT_EQ(r.offset, 4u);
  EXPECT_EQ(refusal({0x00, 0x61, 0x73}).message, "unexpected end");
  EXPECT_EQ(refusal({0x00, 0x61, 0x73, 0x6e, 0x0d, 0x00, 0x01, 0x00}).message, "magic header not detected");
}

TEST(ComponentDecoder, SectionErrorsCarryTheirOffset) {
  Refusal r = refusal(component_with(13, {}));
  EXPECT_EQ(r.message, "malformed section id 13");
  EXPECT_EQ(r.offset, 8u);
  Bytes c = preamble();
  c.push_back(7);
  leb(c, 100);  // a type section longer than the component
  r = refusal(c);
  EXPECT_EQ(r.message, "section size exceeds the component");
  EXPECT_EQ(r.offset, 9u);
}

TEST(ComponentDecoder, BrokenCoreModuleKeepsItsAbsoluteOffset) {
  Bytes module = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x00};  // type section: result 0x00
  Refusal r = refusal(component_with(1, module));
  EXPECT_EQ(r.message.rfind("core module 0: ", 0), 0u) << r.message;
  EXPECT_EQ(r.offset, 10u + 14u);  // component preamble + section header, then the byte in the module
}

TEST(ComponentDecoder, RefusesUnsupportedFeaturesByName) {
  // type section: one async func type (0x43) with no params and no result.
  Refusal r = refusal(component_with(7, {0x01, 0x43, 0x00, 0x01, 0x00}));
  EXPECT_EQ(r.kind, ComponentError::Kind::Unsupported);
  EXPECT_EQ(r.message, "async function types is not supported");
  EXPECT_EQ(r.offset, 11u);
  EXPECT_EQ(refusal(component_with(12, {0x00})).message, "the value section is not supported");
  EXPECT_EQ(refusal(component_with(9, {0x00})).message, "the component start section (value definitions) is not supported");
  // canon section: task.return (0x09).
  EXPECT_EQ(refusal(component_with(8, {0x01, 0x09})).message,
            "canonical built-in 0x09 (async, threads or error-context) is not supported");
  // type section: stream<u8>.
  EXPECT_EQ(refusal(component_with(7, {0x01, 0x66, 0x01, 0x7d})).message, "streams and futures (async) is not supported");
}

TEST(ComponentDecoder, RefusesInvalidIndicesAndTypes) {
  // alias section: func export "f" of instance 5, which does not exist.
  Bytes alias = {0x01, 0x01, 0x00, 0x05};
  name(alias, "f");
  Refusal r = refusal(component_with(6, alias));
  EXPECT_EQ(r.kind, ComponentError::Kind::Invalid);
  EXPECT_EQ(r.message, "unknown instance 5");
  EXPECT_EQ(r.offset, 13u);
  // canon lift of core func 0 with no core funcs.
  EXPECT_EQ(refusal(component_with(8, {0x01, 0x00, 0x00, 0x00, 0x00, 0x00})).message, "unknown core func 0");
  // record { a: u8, a: u8 }
  Bytes rec = {0x01, 0x72, 0x02};
  name(rec, "a");
  rec.push_back(0x7d);
  name(rec, "a");
  rec.push_back(0x7d);
  EXPECT_EQ(refusal(component_with(7, rec)).message, "duplicate record label `a`");
  // list of type 3 when there is no type 3
  EXPECT_EQ(refusal(component_with(7, {0x01, 0x70, 0x03})).message, "unknown type 3");
  // flags with 33 labels
  Bytes flags = {0x01, 0x6e, 33};
  for (int i = 0; i < 33; ++i) name(flags, std::string(1, static_cast<char>('a' + i % 26)) + static_cast<char>('a' + i / 26));
  EXPECT_EQ(refusal(component_with(7, flags)).message, "flags with more than 32 labels");
  // a vector count larger than its section
  EXPECT_EQ(refusal(component_with(7, {0xff, 0xff, 0x03})).message, "vector length exceeds the section");
}

TEST(ComponentDecoder, RefusesTypesNestedTooDeeply) {
  Bytes types;
  uint32_t n = kMaxTypeDepth + 5;
  leb(types, n);
  types.insert(types.end(), {0x70, 0x7d});  // type 0: list<u8>
  for (uint32_t i = 1; i < n; ++i) {
    types.push_back(0x70);  // type i: list<type i-1>
    sleb(types, i - 1);
  }
  Refusal r = refusal(component_with(7, types));
  EXPECT_EQ(r.message, "type nesting too deep (limit 100)");
}

// Nesting recurses in the decoder, so it is bounded: instance types inside
// instance types, and components inside components.
TEST(ComponentDecoder, RefusesScopesNestedTooDeeply) {
  Bytes inner = {0x42, 0x00};  // instance type with no declarators
  for (int i = 0; i < 150; ++i) {
    Bytes outer = {0x42, 0x01, 0x01};  // instance type: one declarator, a type:
    outer.insert(outer.end(), inner.begin(), inner.end());
    inner = std::move(outer);
  }
  Bytes types = {0x01};
  types.insert(types.end(), inner.begin(), inner.end());
  EXPECT_EQ(refusal(component_with(7, types)).message, "components and types nested more than 100 deep");

  Bytes c = preamble();
  for (int i = 0; i < 150; ++i) c = component_with(4, c);
  EXPECT_EQ(refusal(c).message, "components and types nested more than 100 deep");
}

// canon lift of func(s: string) needs a memory (and a realloc) option.
TEST(ComponentDecoder, RefusesCanonLiftWithoutMemoryForStrings) {
  Bytes module = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
                  0x01, 0x06, 0x01, 0x60, 0x02, 0x7f, 0x7f, 0x00,  // type 0: [i32 i32] -> []
                  0x03, 0x02, 0x01, 0x00,                          // func 0: type 0
                  0x07, 0x05, 0x01, 0x01, 'f', 0x00, 0x00,         // export "f"
                  0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b};             // body: end
  Bytes c = component_with(1, module);
  section(c, 2, {0x01, 0x00, 0x00, 0x00});  // core instance 0: instantiate module 0
  Bytes alias = {0x01, 0x00, 0x00, 0x01, 0x00};  // core func: export of core instance 0
  name(alias, "f");
  section(c, 6, alias);
  Bytes types = {0x01, 0x40, 0x01};  // func(s: string)
  name(types, "s");
  types.insert(types.end(), {0x73, 0x01, 0x00});
  section(c, 7, types);
  size_t canon_at = c.size() + 3;  // after the section id, size and count
  section(c, 8, {0x01, 0x00, 0x00, 0x00, 0x00, 0x00});  // canon lift core func 0, no options, type 0
  Refusal r = refusal(c);
  EXPECT_EQ(r.kind, ComponentError::Kind::Invalid);
  EXPECT_EQ(r.message, "canonical function with strings, lists or spilled values needs a memory option");
  EXPECT_EQ(r.offset, canon_at);
}

// Every prefix of a real component is refused cleanly (or is itself a valid component
// when it ends at a section boundary).
TEST(ComponentDecoder, TruncatedComponentsAreRefused) {
  Bytes bytes = read_guest("types.component.wasm");
  size_t step = std::max<size_t>(1, bytes.size() / 1500);
  for (size_t n = 0; n < bytes.size(); n += (n < 256 ? 1 : step)) {
    Bytes prefix(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
    try {
      decode_component(prefix);
    } catch (const ComponentError& e) {
      EXPECT_LE(e.offset(), n) << e.describe();
    }
  }
}

// Damaged copies decode or are refused; those that decode instantiate (with every
// import provided) and answer calls, or fail with the layer's own errors.
// WIPPY_DAMAGE_ROUNDS raises the number of rounds for a longer local run.
TEST(ComponentDecoder, DamagedComponentsNeverCrash) {
  const char* env = std::getenv("WIPPY_DAMAGE_ROUNDS");
  int rounds = env ? std::atoi(env) : 300;
  for (const char* guest : {"strings_utf8.component.wasm", "types.component.wasm"}) {
    Bytes original = read_guest(guest);
    std::mt19937 rng(12345);
    int decoded = 0;
    for (int round = 0; round < rounds; ++round) {
      Bytes b = original;
      int flips = 1 + static_cast<int>(rng() % 3);
      for (int k = 0; k < flips; ++k) b[rng() % b.size()] = static_cast<uint8_t>(rng());
      test::TypesHost host;
      try {
        auto c = decode_component(b);
        ++decoded;
        ComponentInstance inst(c, host.linker());
        for (const std::string& f : inst.exported_functions()) {
          if (inst.func_type(f).params().empty()) {
            try {
              inst.call(f, {});
            } catch (const CallError&) {
            }
          }
        }
      } catch (const ComponentError&) {
      } catch (const LinkError&) {
      } catch (const CallError&) {
      }
    }
    EXPECT_GT(decoded, 0) << guest;
  }
}

}  // namespace
}  // namespace wippy::component

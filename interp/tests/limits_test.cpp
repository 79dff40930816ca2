// Tests of the implementation limits (interp/limits.h, StoreLimits): hostile modules
// built here byte by byte are refused with the exact message and byte offset, and
// modules at a limit still load.
#include <gtest/gtest.h>

#include <cstdio>
#include <initializer_list>
#include <string>
#include <vector>

#include "interp/instance.h"
#include "interp/limits.h"
#include "interp/module.h"

namespace wippy::interp {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes leb(uint64_t v) {
  Bytes out;
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    out.push_back(v ? b | 0x80 : b);
  } while (v);
  return out;
}

Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

Bytes repeat(const Bytes& unit, size_t n) {
  Bytes out;
  out.reserve(unit.size() * n);
  for (size_t i = 0; i < n; ++i) out.insert(out.end(), unit.begin(), unit.end());
  return out;
}

// A section of any size.
Bytes section(uint8_t id, const Bytes& contents) { return cat({{id}, leb(contents.size()), contents}); }

Bytes module(std::initializer_list<Bytes> sections) {
  return cat({{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00}, cat(sections)});
}

// Where the contents of the first section start when its size fits one byte.
constexpr size_t kFirstContents = 10;

// decode_module's error as "message (at byte 0x..)", or "" if the module decodes.
std::string refusal(const Bytes& b) {
  try {
    decode_module(b);
  } catch (const ModuleError& e) {
    EXPECT_EQ(e.kind(), ModuleError::Kind::Malformed) << e.what();
    return e.describe();
  }
  return "";
}

std::string at(const std::string& message, size_t offset) {
  char hex[32];
  std::snprintf(hex, sizeof hex, "%zx", offset);
  return message + " (at byte 0x" + hex + ")";
}

const Bytes kVoidType = section(1, {0x01, 0x60, 0x00, 0x00});
const Bytes kOneFunction = section(3, {0x01, 0x00});

// A module with one function of type [] -> [] and this body (locals included).
Bytes one_function(const Bytes& body) {
  return module({kVoidType, kOneFunction, section(10, cat({leb(1), leb(body.size()), body}))});
}

// --- counts in the section headers ---------------------------------------------

TEST(Limits, SectionCountsAreChecked) {
  struct Case {
    uint8_t section;
    uint64_t count;
    const char* message;
  };
  const Case cases[] = {
      {1, limits::kTypes + 1, "too many types: 1000001 (limit 1000000)"},
      {2, limits::kImports + 1, "too many imports: 100001 (limit 100000)"},
      {3, limits::kFunctions + 1, "too many functions: 1000001 (limit 1000000)"},
      {4, limits::kTables + 1, "too many tables: 101 (limit 100)"},
      {4, 1000, "too many tables: 1000 (limit 100)"},  // the 8 GiB module of issue 10
      {6, limits::kGlobals + 1, "too many globals: 1000001 (limit 1000000)"},
      {7, limits::kExports + 1, "too many exports: 100001 (limit 100000)"},
      {9, limits::kElemSegments + 1, "too many element segments: 100001 (limit 100000)"},
      {10, limits::kFunctions + 1, "too many function bodies: 1000001 (limit 1000000)"},
      {11, limits::kDataSegments + 1, "too many data segments: 100001 (limit 100000)"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.message);
    EXPECT_EQ(refusal(module({section(c.section, leb(c.count))})), at(c.message, kFirstContents));
  }
}

TEST(Limits, ImportedAndDefinedCountTogether) {
  // One imported function and a function section of kFunctions entries.
  const Bytes import = section(2, cat({leb(1), {0x01, 'm', 0x01, 'f', 0x00, 0x00}}));
  const Bytes m = module({kVoidType, import, section(3, leb(limits::kFunctions))});
  const size_t count_at = kVoidType.size() + import.size() + 8 + 2;
  EXPECT_EQ(refusal(m), at("too many functions: 1000001 (limit 1000000)", count_at));

  // 101 imported tables: refused at the kind byte of the 101st.
  const Bytes table_import = {0x01, 'm', 0x01, 't', 0x01, 0x70, 0x00, 0x00};
  const Bytes tables = section(2, cat({leb(101), repeat(table_import, 101)}));
  const size_t kind_at = 8 + 1 + 2 + 1 + 100 * table_import.size() + 4;
  EXPECT_EQ(refusal(module({tables})), at("too many tables: 101 (limit 100)", kind_at));
}

TEST(Limits, TablesAtTheLimitDecode) {
  const Bytes table = {0x70, 0x00, 0x00};  // funcref, min 0
  EXPECT_EQ(refusal(module({section(4, cat({leb(limits::kTables), repeat(table, limits::kTables)}))})), "");
}

// --- function types ----------------------------------------------------------------

TEST(Limits, ParamsAndResultsPerType) {
  EXPECT_EQ(refusal(module({section(1, cat({{0x01, 0x60}, leb(limits::kParams + 1)}))})),
            at("too many params: 1001 (limit 1000)", kFirstContents + 2));
  EXPECT_EQ(refusal(module({section(1, cat({{0x01, 0x60, 0x00}, leb(limits::kResults + 1)}))})),
            at("too many results: 1001 (limit 1000)", kFirstContents + 3));
  const Bytes i32s = repeat({0x7f}, limits::kParams);
  EXPECT_EQ(refusal(module({section(1, cat({{0x01, 0x60}, leb(limits::kParams), i32s, leb(limits::kResults), i32s}))})),
            "");
}

// --- segments and custom sections ------------------------------------------------------

TEST(Limits, ElementItemsOfAllSegmentsCountTogether) {
  // Two passive segments of function indices: 600,000 items, then 400,001.
  const Bytes first = cat({{0x01, 0x00}, leb(600'000), repeat({0x00}, 600'000)});
  const Bytes second = cat({{0x01, 0x00}, leb(400'001)});
  const Bytes elems = section(9, cat({leb(2), first, second}));
  const Bytes m = module({kVoidType, kOneFunction, elems});
  const size_t n_at = m.size() - leb(400'001).size();
  EXPECT_EQ(refusal(m), at("too many element segment items: 1000001 (limit 1000000)", n_at));
}

TEST(Limits, CustomSections) {
  const Bytes empty_custom = {0x00, 0x01, 0x00};  // id 0, size 1, name ""
  EXPECT_EQ(refusal(cat({module({}), repeat(empty_custom, limits::kCustomSections)})), "");
  EXPECT_EQ(refusal(cat({module({}), repeat(empty_custom, limits::kCustomSections + 1)})),
            at("too many custom sections: 10001 (limit 10000)", 8 + 3 * limits::kCustomSections));
}

TEST(Limits, NameSectionWithMoreNamesThanFunctionsIsIgnored) {
  // The function-names subsection claims kFunctions + 1 entries: debug info, skipped.
  const Bytes names = cat({{0x01}, leb(leb(limits::kFunctions + 1).size()), leb(limits::kFunctions + 1)});
  const Bytes custom = section(0, cat({{0x04, 'n', 'a', 'm', 'e'}, names}));
  auto m = decode_module(module({custom}));
  EXPECT_TRUE(m->func_names.empty());
}

// --- function bodies ------------------------------------------------------------------

TEST(Limits, FunctionBodySize) {
  const Bytes code = section(10, cat({leb(1), leb(limits::kFunctionBodyBytes + 1)}));
  EXPECT_EQ(refusal(module({kVoidType, kOneFunction, code})),
            at("function body too large: 7654322 bytes (limit 7654321)",
               kVoidType.size() + kOneFunction.size() + 8 + 2 + 1));
}

TEST(Limits, Locals) {
  auto locals = [](uint64_t n) { return cat({{0x01}, leb(n), {0x7f, 0x0b}}); };
  // Header, section id and size, body count and body size: the body starts after them.
  const size_t body_at = 8 + kVoidType.size() + kOneFunction.size() + 2 + 1 + 1;
  EXPECT_EQ(refusal(one_function(locals(limits::kLocals))), "");
  EXPECT_EQ(refusal(one_function(locals(limits::kLocals + 1))), at("too many locals: 50001 (limit 50000)", body_at));
  // The 1,000,000 locals of issue 10.
  EXPECT_EQ(refusal(one_function(locals(1'000'000))), at("too many locals: 1000000 (limit 50000)", body_at));

  // Params count too: (param i32) plus kLocals declared locals.
  const Bytes type = section(1, {0x01, 0x60, 0x01, 0x7f, 0x00});
  const Bytes body = locals(limits::kLocals);
  const Bytes m = module({type, kOneFunction, section(10, cat({leb(1), leb(body.size()), body}))});
  EXPECT_EQ(refusal(m), at("too many locals: 50001 (limit 50000)", type.size() + kOneFunction.size() + 8 + 2 + 1 + 1));
}

TEST(Limits, BlockNesting) {
  auto nested = [](size_t depth) {
    return cat({{0x00}, repeat({0x02, 0x40}, depth), repeat({0x0b}, depth + 1)});
  };
  EXPECT_EQ(refusal(one_function(nested(limits::kBlockDepth))), "");
  const Bytes m = one_function(nested(limits::kBlockDepth + 1));
  // The body is the last section: it starts after its locals byte.
  const size_t body_at = m.size() - (1 + 2 * (limits::kBlockDepth + 1) + limits::kBlockDepth + 2);
  EXPECT_EQ(refusal(m), at("blocks nested too deeply (limit 100000)", body_at + 1 + 2 * limits::kBlockDepth));
}

TEST(Limits, BrTableTargets) {
  auto br_table = [](uint32_t targets) {
    // i32.const 0, br_table with every target 0 and default 0, end.
    return cat({{0x00, 0x41, 0x00, 0x0e}, leb(targets), repeat({0x00}, targets + 1), {0x0b}});
  };
  EXPECT_EQ(refusal(one_function(br_table(limits::kBrTableTargets))), "");
  const Bytes body = br_table(limits::kBrTableTargets + 1);
  const Bytes m = one_function(body);
  const size_t br_table_at = m.size() - body.size() + 3;
  EXPECT_EQ(refusal(m), at("br_table too large: 65521 targets (limit 65520)", br_table_at));
}

TEST(Limits, ModuleSize) {
  EXPECT_NO_THROW(check_module_size(limits::kModuleBytes));
  try {
    check_module_size(limits::kModuleBytes + 1);
    FAIL();
  } catch (const ModuleError& e) {
    EXPECT_EQ(e.describe(), "module too large: 268435457 bytes (limit 268435456) (at byte 0x0)");
  }
}

// --- per store (instantiation) -----------------------------------------------------------

TEST(Limits, TableElementsPerStore) {
  // Three tables of 4 elements in a store that allows 10 elements in all tables.
  const Bytes table = {0x70, 0x00, 0x04};
  auto m = decode_module(module({section(4, cat({leb(3), repeat(table, 3)}))}));
  StoreLimits l;
  l.max_table_elements = 10;
  Store store(l);
  try {
    store.instantiate(m, {});
    FAIL();
  } catch (const LinkError& e) {
    EXPECT_STREQ(e.what(), "table of 4 elements exceeds the limit of 10 table elements per store (8 in use)");
  }
}

TEST(Limits, TableGrowStopsAtTheStoreBudget) {
  StoreBudget budget;
  budget.limit = 5;
  Table a(TableType{ValType::FuncRef, {2, {}}}, 100, 0, &budget);
  Table b(TableType{ValType::FuncRef, {1, {}}}, 100, 0, &budget);
  EXPECT_FALSE(a.can_grow(3));
  EXPECT_EQ(a.grow(3, 0), -1);  // 3 + 3 > 5
  EXPECT_TRUE(a.can_grow(2));
  EXPECT_EQ(a.grow(2, 0), 2);
  EXPECT_EQ(b.grow(1, 0), -1);
  EXPECT_EQ(budget.used, 5u);
  EXPECT_EQ(a.elems.size(), 4u);
}

// --- translation time -------------------------------------------------------------

// Translating used to scan the whole operand stack at every block, `br` and
// `local.set`: these bodies of about a million instructions took hours. Now each scan
// is bounded, so they load at once (a regression shows as a test timeout).
TEST(Limits, DeepOperandStacksTranslateInLinearTime) {
  constexpr size_t n = 400'000;
  const Bytes consts = repeat({0x41, 0x01}, n);  // i32.const 1
  const Bytes drops = repeat({0x1a}, n);
  // n constants, then n empty blocks / n blocks with a `br 0` each.
  EXPECT_EQ(refusal(one_function(cat({{0x00}, consts, repeat({0x02, 0x40, 0x0b}, n), drops, {0x0b}}))), "");
  EXPECT_EQ(refusal(one_function(cat({{0x00}, consts, repeat({0x02, 0x40, 0x0c, 0x00, 0x0b}, n), drops, {0x0b}}))),
            "");
  // n reads of local 0 still on the stack while local 1 is written n times.
  const Bytes two_locals = {0x01, 0x02, 0x7f};
  EXPECT_EQ(refusal(one_function(cat({two_locals, repeat({0x20, 0x00}, n), repeat({0x41, 0x05, 0x21, 0x01}, n),
                                      drops, {0x0b}}))),
            "");
}

}  // namespace
}  // namespace wippy::interp

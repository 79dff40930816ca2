// Component-level types, resolved at decode time: value types (bool .. resources),
// function types, and instance/component types. A type refers to its parts by
// pointer, so a type index becomes a tree the canonical ABI walks directly. Value
// types carry their canonical ABI layout (size, alignment, flattening).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/types.h"

namespace wippy::component {

enum class Kind : uint8_t {
  Bool, S8, U8, S16, U16, S32, U32, S64, U64, F32, F64, Char, String,
  List, Record, Tuple, Variant, Enum, Option, Result, Flags, Own, Borrow,
  // Not value types:
  Resource, Func, Instance, Component, CoreModule,
};
const char* kind_name(Kind k);
inline bool is_value_kind(Kind k) { return k <= Kind::Borrow; }
inline bool is_primitive(Kind k) { return k <= Kind::String; }

struct Type;
using TypePtr = std::shared_ptr<const Type>;

// A record field, tuple element (name ""), variant/enum/option/result case (type
// null without payload), flag label (type null), or function parameter.
struct Field {
  std::string name;
  TypePtr type;
};

// What an import or export of an instance or component type is.
enum class Sort : uint8_t { CoreModule, Func, Value, Type, Component, Instance };
const char* sort_name(Sort s);

struct ExternDesc {
  std::string name;
  Sort sort = Sort::Func;
  TypePtr type;  // the func, instance or component type; the type itself for Sort::Type
};

// Flattened core types are kept up to this many; longer lists only need to be
// known as "too long" (MAX_FLAT_PARAMS is 16), so `flat_overflow` stands for them.
constexpr size_t kFlatCap = 17;

struct Type {
  Kind kind = Kind::Bool;
  // Record fields, tuple elements, flags/enum labels, and for variant, enum, option
  // and result their cases in the canonical ABI's (despecialised) order: option is
  // none/some, result is ok/error.
  std::vector<Field> fields;
  TypePtr elem;  // list element, option payload, own/borrow resource, func result (may be null)
  TypePtr ok, err;  // result payloads (either may be null)

  // Resource: the representation and the destructor (a core function index of the
  // defining component), or an abstract resource named by an import/export.
  engine::ValType rep = engine::ValType::I32;
  std::optional<uint32_t> dtor;
  std::string resource_name;

  // Instance and component types.
  std::vector<ExternDesc> imports;
  std::vector<ExternDesc> exports;

  // Canonical ABI layout of a value type.
  uint32_t size = 0;
  uint32_t align = 1;
  std::vector<engine::ValType> flat;
  bool flat_overflow = false;
  uint32_t depth = 1;  // nesting depth, bounded at decode time

  // Func type: the parameters are `fields`, the result is `elem`.
  const std::vector<Field>& params() const { return fields; }
  const TypePtr& result() const { return elem; }
  const ExternDesc* find_export(std::string_view name) const;
};

// Builds a value type and computes its layout. Throws std::length_error when the
// layout exceeds the canonical ABI's limits (element size 2^28) or the nesting
// depth limit, for the decoder to report with an offset.
TypePtr make_primitive(Kind k);
TypePtr make_value_type(Type t);

// Despecialised variants (variant, enum, option, result) and records (record, tuple).
inline bool is_variant_like(Kind k) {
  return k == Kind::Variant || k == Kind::Enum || k == Kind::Option || k == Kind::Result;
}
inline bool is_record_like(Kind k) { return k == Kind::Record || k == Kind::Tuple; }

// Bytes of a variant's discriminant: 1, 2 or 4.
uint32_t discriminant_size(size_t cases);
// Offset of a variant's payload from its start.
uint32_t variant_payload_offset(const Type& t);
// Alignment of the largest-aligned case payload.
uint32_t max_case_align(const Type& t);
uint32_t align_to(uint32_t offset, uint32_t align);

// The WIT spelling of a type, for messages: "u32", "list<string>", "record{x, y}".
std::string type_name(const Type& t);

// Flattened core signature of a function type.
struct FlatSignature {
  std::vector<engine::ValType> params;
  std::vector<engine::ValType> results;
  bool params_in_memory = false;   // more than 16 flat params: one pointer
  bool results_in_memory = false;  // more than 1 flat result
};
enum class FlatContext { Lift, Lower };
FlatSignature flatten_func(const Type& func, FlatContext context);

constexpr size_t kMaxFlatParams = 16;
constexpr size_t kMaxFlatResults = 1;
constexpr uint32_t kMaxTypeDepth = 100;
constexpr uint32_t kMaxElemSize = (1u << 28) - 1;

}  // namespace wippy::component

// A decoded and validated component: its definitions in binary order, each adding
// one entry to the index space of its sort. Types are resolved to Type trees at
// decode time; nested core modules are decoded by the interpreter's decoder.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "component/error.h"
#include "component/types.h"
#include "engine/types.h"

namespace wippy::component {

// Every index space of a component (core sorts first).
enum class Space : uint8_t {
  CoreFunc, CoreTable, CoreMemory, CoreGlobal, CoreType, CoreModule, CoreInstance,
  Func, Value, Type, Component, Instance,
};
constexpr size_t kSpaceCount = 12;
const char* space_name(Space s);

enum class StringEncoding : uint8_t { Utf8, Utf16, Latin1Utf16 };

struct CanonOptions {
  StringEncoding encoding = StringEncoding::Utf8;
  std::optional<uint32_t> memory;       // core memory index
  std::optional<uint32_t> realloc;      // core func index
  std::optional<uint32_t> post_return;  // core func index
};

struct Canon {
  enum class Op : uint8_t { Lift, Lower, ResourceNew, ResourceDrop, ResourceRep };
  Op op = Op::Lift;
  uint32_t func = 0;  // Lift: core func index; Lower: component func index
  CanonOptions options;
  TypePtr type;  // Lift: the func type; resource ops: the resource type
};

struct CoreInstanceDef {
  bool instantiate = true;  // else: a bundle of inline exports
  uint32_t module = 0;
  struct Arg {
    std::string name;
    uint32_t instance;
  };
  std::vector<Arg> args;
  struct InlineExport {
    std::string name;
    Space space;
    uint32_t index;
  };
  std::vector<InlineExport> exports;
};

struct InstanceDef {
  bool instantiate = true;  // else: a bundle of inline exports
  uint32_t component = 0;
  struct Item {
    std::string name;
    Space space;
    uint32_t index;
  };
  std::vector<Item> items;  // instantiate: the `with` arguments; else the exports
};

struct ImportDef {
  std::string name;  // "wasi:cli/run@0.2.0" or a plain name
  ExternDesc desc;
};

struct ExportDef {
  std::string name;
  Space space;
  uint32_t index;
};

struct Component;

// One definition: it appends entry `space_index` to `space`.
struct Definition {
  enum class How : uint8_t {
    Import,           // imports[detail]
    CoreModule,       // core_modules[detail]
    CoreInstance,     // core_instances[detail]
    AliasCoreExport,  // core instance `instance`, export `name`
    AliasExport,      // instance `instance`, export `name`
    AliasOuter,       // resolved at decode time: `outer` names the thing
    Canon,            // canons[detail]
    Instance,         // instances[detail]
    Export,           // exports[detail]: a new index for the exported item
    Type,             // a type definition (types[space_index])
    Component,        // components[detail]
  };
  How how;
  Space space;
  uint32_t space_index = 0;
  uint32_t detail = 0;
  uint32_t instance = 0;
  std::string name;
  size_t offset = 0;  // of the definition in the binary, for errors
  // AliasOuter of a core module or component: what it names.
  std::shared_ptr<const engine::Module> outer_module;
  std::shared_ptr<const Component> outer_component;
};

struct Component {
  std::vector<Definition> definitions;
  std::vector<std::shared_ptr<const engine::Module>> core_modules;
  std::vector<CoreInstanceDef> core_instances;
  std::vector<Canon> canons;
  std::vector<InstanceDef> instances;
  std::vector<ImportDef> imports;
  std::vector<ExportDef> exports;
  std::vector<std::shared_ptr<const Component>> components;
  // The type index space (all of it, aliases included), resolved.
  std::vector<TypePtr> types;
  std::vector<engine::FuncType> core_types;  // the core type space (module types: empty)
  std::array<uint32_t, kSpaceCount> counts{};     // entries per index space

  // The type of each entry of the func and instance index spaces.
  std::vector<TypePtr> func_types;
  std::vector<TypePtr> instance_types;
  // What instantiating this component gives: an instance type of its exports.
  TypePtr exports_type;

  uint32_t count(Space s) const { return counts[static_cast<size_t>(s)]; }
  const ExportDef* find_export(std::string_view name) const;
};

// True if `bytes` start like a component (version 0x0d, layer 1) rather than a
// core module.
bool is_component(std::span<const uint8_t> bytes);

// Decodes and validates a component; its core modules are decoded with `core`
// (engine::Engine::decode_options: fuel metering, translation). Throws ComponentError
// naming what is wrong and the byte offset (nested core modules' errors keep their
// offset, made absolute).
std::shared_ptr<const Component> decode_component(std::span<const uint8_t> bytes,
                                                  const engine::DecodeOptions& core = {});

}  // namespace wippy::component

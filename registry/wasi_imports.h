// Which import groups a wasi_snapshot_preview1 (core module) import needs.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "component/component.h"
#include "engine/types.h"
#include "registry/entry.h"
#include "wasi/groups.h"

namespace wippy::registry {

// The groups any one of which enables the preview1 function `name` (stream functions
// such as fd_write serve stdio, streams and files, so wasi:cli, wasi:io or
// wasi:filesystem each enable them). Empty for a name preview1 does not define.
std::vector<ImportGroup> groups_for_preview1(std::string_view name);

// The preview1 groups among `enabled`, as a wasi::GroupMask for wasi::add_to_linker;
// nullopt when the entry enables none (it gets no WASI at all).
std::optional<wasi::GroupMask> preview1_group_mask(const std::set<ImportGroup>& enabled);

// True for the modules that hold preview1 functions ("wasi_snapshot_preview1",
// "wasi_unstable").
bool is_preview1_module(std::string_view module);

// Checks every preview1 function import of `module` against `enabled`. Returns one
// message per import whose group is not enabled, naming the import and the group.
std::vector<std::string> check_import_groups(const engine::Module& module,
                                             const std::set<ImportGroup>& enabled);

// Checks a component's imports against `enabled`: a `wasi:*` interface needs the
// group it belongs to; an import that no group provides can never be linked. One
// message per problem, naming the import and the group to add.
std::vector<std::string> check_component_imports(const component::Component& c,
                                                 const std::set<ImportGroup>& enabled);

}  // namespace wippy::registry

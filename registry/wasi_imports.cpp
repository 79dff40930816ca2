// Import groups for preview1 imports; the function -> group table itself is
// wasi/groups.cpp.
#include "registry/wasi_imports.h"

namespace wippy::registry {

namespace {

ImportGroup to_import_group(wasi::Group g) {
  switch (g) {
    case wasi::Group::Cli: return ImportGroup::Cli;
    case wasi::Group::Io: return ImportGroup::Io;
    case wasi::Group::Poll: return ImportGroup::Poll;
    case wasi::Group::Clocks: return ImportGroup::Clocks;
    case wasi::Group::Filesystem: return ImportGroup::Filesystem;
    case wasi::Group::Random: return ImportGroup::Random;
    case wasi::Group::Sockets: return ImportGroup::Sockets;
    case wasi::Group::Http: return ImportGroup::Http;
  }
  return ImportGroup::Cli;
}

}  // namespace

std::vector<ImportGroup> groups_for_preview1(std::string_view name) {
  std::vector<ImportGroup> out;
  for (wasi::Group g : wasi::groups_for(name)) out.push_back(to_import_group(g));
  return out;
}

std::optional<wasi::GroupMask> preview1_group_mask(const std::set<ImportGroup>& enabled) {
  wasi::GroupMask mask = 0;
  for (wasi::Group g : wasi::kAllGroupList) {
    if (enabled.count(to_import_group(g))) mask |= wasi::group_bit(g);
  }
  if (mask == 0) return std::nullopt;
  return mask;
}

bool is_preview1_module(std::string_view module) {
  return module == "wasi_snapshot_preview1" || module == "wasi_unstable";
}

std::vector<std::string> check_import_groups(const engine::Module& module,
                                             const std::set<ImportGroup>& enabled) {
  std::vector<std::string> problems;
  for (const engine::Import& imp : module.imports) {
    if (imp.kind == engine::ExternKind::Func && imp.module.starts_with("wippy:runtime/")) {
      ImportGroup g = parse_import_group(imp.module).value_or(ImportGroup::Process);
      if (!enabled.count(g))
        problems.push_back("the module imports " + imp.module + "." + imp.name + ", which needs import group " +
                           std::string(import_group_name(g)) + "; add it to imports");
      continue;
    }
    if (imp.kind != engine::ExternKind::Func || !is_preview1_module(imp.module)) continue;
    std::vector<ImportGroup> groups = groups_for_preview1(imp.name);
    if (groups.empty()) continue;  // not a preview1 function: linking reports it
    bool ok = false;
    for (ImportGroup g : groups) ok = ok || enabled.count(g) != 0;
    if (ok) continue;
    std::string names(import_group_name(groups[0]));
    if (groups.size() > 1) {
      names += " (or";
      for (size_t i = 1; i < groups.size(); ++i) {
        names += (i == 1 ? " " : ", ");
        names += import_group_name(groups[i]);
      }
      names += ")";
    }
    problems.push_back("the module imports " + imp.module + "." + imp.name +
                       ", which needs import group " + names + "; add it to imports");
  }
  return problems;
}

std::vector<std::string> check_component_imports(const component::Component& c,
                                                 const std::set<ImportGroup>& enabled) {
  std::vector<std::string> problems;
  for (const component::ImportDef& imp : c.imports) {
    if (imp.desc.sort == component::Sort::Type) continue;  // a type import provides nothing to call
    std::optional<ImportGroup> g = parse_import_group(imp.name);
    if (!g) {
      problems.push_back("the component imports " + imp.name + ", which no import group provides");
    } else if (!enabled.count(*g)) {
      problems.push_back("the component imports " + imp.name + ", which needs import group " +
                         std::string(import_group_name(*g)) + "; add it to imports");
    }
  }
  return problems;
}

}  // namespace wippy::registry

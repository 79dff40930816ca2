// Kind and import group names.
#include "registry/entry.h"

#include <array>
#include <cstdlib>
#include <utility>

namespace wippy::registry {

namespace {

constexpr std::array<std::pair<Kind, std::string_view>, 9> kKinds{{
    {Kind::FsDirectory, "fs.directory"},
    {Kind::EnvVariable, "env.variable"},
    {Kind::ProcessWasm, "process.wasm"},
    {Kind::FunctionWasm, "function.wasm"},
    {Kind::ProcessLua, "process.lua"},
    {Kind::FunctionLua, "function.lua"},
    {Kind::ProcessHost, "process.host"},
    {Kind::TerminalHost, "terminal.host"},
    {Kind::ProcessService, "process.service"},
}};

constexpr std::array<std::pair<ImportGroup, std::string_view>, 10> kGroups{{
    {ImportGroup::Cli, "wasi:cli"},
    {ImportGroup::Io, "wasi:io"},
    {ImportGroup::Poll, "wasi:poll"},
    {ImportGroup::Clocks, "wasi:clocks"},
    {ImportGroup::Filesystem, "wasi:filesystem"},
    {ImportGroup::Random, "wasi:random"},
    {ImportGroup::Http, "wasi:http"},
    {ImportGroup::Sockets, "wasi:sockets"},
    {ImportGroup::Funcs, "funcs"},
    {ImportGroup::Process, "wippy:runtime"},
}};

}  // namespace

std::string_view kind_name(Kind kind) {
  for (const auto& [k, name] : kKinds) {
    if (k == kind) return name;
  }
  return "?";
}

std::optional<Kind> parse_kind(std::string_view name) {
  for (const auto& [k, n] : kKinds) {
    if (n == name) return k;
  }
  return std::nullopt;
}

std::string known_kinds() {
  std::string out;
  for (const auto& [k, n] : kKinds) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

std::string_view import_group_name(ImportGroup group) {
  for (const auto& [g, name] : kGroups) {
    if (g == group) return name;
  }
  return "?";
}

std::optional<ImportGroup> parse_import_group(std::string_view name) {
  // "wippy:runtime/funcs@0.1.0" -> funcs (the rest of wippy:runtime is the process group).
  if (name.substr(0, name.find('@')) == "wippy:runtime/funcs") return ImportGroup::Funcs;
  // "wasi:cli/environment@0.2.3" -> "wasi:cli"; "wasi:clocks@0.2.0" -> "wasi:clocks".
  std::string_view group = name.substr(0, name.find_first_of("/@"));
  for (const auto& [g, n] : kGroups) {
    if (n == group) return g;
  }
  return std::nullopt;
}

std::string known_import_groups() {
  std::string out;
  for (const auto& [g, n] : kGroups) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

std::optional<std::string> EnvVariable::resolve() const {
  const char* v = std::getenv(variable.c_str());
  if (v != nullptr && *v != 0) return std::string(v);  // empty counts as unset
  return default_value;
}

}  // namespace wippy::registry

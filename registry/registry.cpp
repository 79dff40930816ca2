// Registry loading: wippy.lock, the scan of directories.src, references between
// entries, commands, and the verification of every WASM module.
#include "registry/registry.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>
#include <map>
#include <set>

#include "component/loader.h"
#include "component/wit.h"
#include "registry/fields.h"
#include "registry/parse.h"
#include "registry/service.h"
#include "registry/wasi_imports.h"

namespace wippy::registry {

namespace fs = std::filesystem;
using detail::Diagnostics;

namespace {

std::string join_errors(const std::vector<std::string>& errors) {
  if (errors.empty()) return "registry load failed";
  std::string s = errors.front();
  if (errors.size() > 1) {
    s += " (and " + std::to_string(errors.size() - 1) + " more error" +
         (errors.size() > 2 ? "s" : "") + ")";
  }
  return s;
}

// `p` relative to the project directory when it is inside it.
std::string display_path(const fs::path& p, const fs::path& project_dir) {
  fs::path rel = p.lexically_relative(project_dir);
  if (rel.empty() || *rel.begin() == "..") return p.string();
  return rel.generic_string();
}

std::vector<fs::path> yaml_files(const fs::path& src) {
  std::vector<fs::path> files;
  std::error_code ec;
  fs::recursive_directory_iterator it(src, fs::directory_options::follow_directory_symlink, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    std::string ext = it->path().extension().string();
    if (ext == ".yaml" || ext == ".yml") files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Resolves a reference field: the entry must exist and be of `want` kind.
const Entry* check_ref(const std::map<std::string, Entry*, std::less<>>& by_id, const Entry& from,
                       const std::string& field, const std::string& id, Kind want,
                       Diagnostics& diag) {
  std::string where = from.file.generic_string() + ": entry " + from.id + ": ";
  auto it = by_id.find(id);
  if (it == by_id.end()) {
    diag.add(where + field + ": " + id + " is not defined (declare an entry of kind " +
             std::string(kind_name(want)) + " with that ID)");
    return nullptr;
  }
  if (it->second->kind != want) {
    diag.add(where + field + ": " + id + " is a " + std::string(kind_name(it->second->kind)) +
             ", expected " + std::string(kind_name(want)));
    return nullptr;
  }
  return it->second;
}

void check_references(std::vector<Entry>& entries, Diagnostics& diag) {
  std::map<std::string, Entry*, std::less<>> by_id;
  for (Entry& e : entries) by_id.emplace(e.id, &e);
  for (Entry& e : entries) {
    if (!e.is_wasm()) continue;
    WasmEntry& w = std::get<WasmEntry>(e.data);
    if (const Entry* dir = check_ref(by_id, e, "fs", w.fs, Kind::FsDirectory, diag)) {
      std::string rel = w.path;
      while (!rel.empty() && rel[0] == '/') rel.erase(0, 1);
      w.file = (dir->fs_directory().directory / rel).lexically_normal();
    }
    std::set<std::string> names;
    for (size_t i = 0; i < w.wasi.env.size(); ++i) {
      WasiEnv& env = w.wasi.env[i];
      std::string field = "wasi.env[" + std::to_string(i) + "].id";
      const Entry* var = check_ref(by_id, e, field, env.id, Kind::EnvVariable, diag);
      if (var && env.name.empty()) {
        env.name = var->env_variable().variable;
        if (!names.insert(env.name).second) {
          diag.add(e.file.generic_string() + ": entry " + e.id + ": wasi.env[" + std::to_string(i) +
                   "].name: duplicate wasi env name \"" + env.name + "\"");
        }
      } else if (!env.name.empty()) {
        names.insert(env.name);
      }
    }
    for (size_t i = 0; i < w.wasi.mounts.size(); ++i) {
      check_ref(by_id, e, "wasi.mounts[" + std::to_string(i) + "].fs", w.wasi.mounts[i].fs,
                Kind::FsDirectory, diag);
    }
  }
}

// The method's signature from the entry's `wit:` text (parsed without error at
// parse time).
void pick_wit_func(WasmEntry& w, const std::string& where, Diagnostics& diag) {
  auto funcs = component::parse_wit_funcs(w.wit);
  auto f = funcs.find(w.method);
  if (f == funcs.end()) {
    std::string names;
    for (const auto& [name, _] : funcs) names += (names.empty() ? "" : ", ") + name;
    diag.add(where + "wit: no signature for the method \"" + w.method + "\" (the wit declares: " +
             (names.empty() ? "nothing" : names) + ")");
    return;
  }
  w.wit_func = f->second;
  // The export must have the core type the signature flattens to.
  component::FlatSignature sig = component::flatten_func(*w.wit_func, component::FlatContext::Lift);
  engine::FuncType want{sig.params, sig.results};
  const engine::Export* ex = w.module->find_export(w.method);
  if (ex && ex->kind == engine::ExternKind::Func && w.module->func_type(ex->index) != want) {
    diag.add(where + "wit: the signature of \"" + w.method + "\" needs the core type " + engine::to_string(want) +
             ", the module exports " + engine::to_string(w.module->func_type(ex->index)));
  }
}

// A component file: hash, decoding, the method export, the import groups.
void verify_component(WasmEntry& w, const engine::Engine& engine, const std::vector<uint8_t>& bytes,
                      const std::string& where, const std::string& shown, Diagnostics& diag) {
  try {
    w.component = component::load_component(bytes, w.hash, engine.decode_options());
  } catch (const engine::LoadError& err) {
    diag.add(where + err.what());
    return;
  } catch (const component::ComponentError& err) {
    diag.add(where + "path: " + shown + " is not a valid component: " + err.describe());
    return;
  } catch (const std::exception& err) {
    diag.add(where + "path: cannot load " + shown + ": " + err.what());
    return;
  }
  if (!w.wit.empty()) diag.add(where + "wit: " + shown + " is a component, which carries its own WIT types; wit: is for core modules");
  if (!component::find_export_func(*w.component, w.method)) {
    diag.add(where + "method: " + shown + ": " + component::missing_export_message(*w.component, w.method));
  }
  for (const std::string& problem : check_component_imports(*w.component, w.imports)) {
    diag.add(where + "imports: " + problem);
  }
}

// Verifies hashes, decodes modules, checks the method export and the import groups.
void verify_wasm(std::vector<Entry>& entries, engine::Engine& engine, const fs::path& project_dir,
                 Diagnostics& diag) {
  std::map<fs::path, std::vector<uint8_t>> files;  // each module file read once
  for (Entry& e : entries) {
    if (!e.is_wasm()) continue;
    WasmEntry& w = std::get<WasmEntry>(e.data);
    if (w.file.empty()) continue;  // the fs reference failed (already reported)
    std::string where = e.file.generic_string() + ": entry " + e.id + ": ";
    auto it = files.find(w.file);
    if (it == files.end()) {
      std::ifstream in(w.file, std::ios::binary);
      std::error_code ec;
      if (!in || !fs::is_regular_file(w.file, ec)) {
        diag.add(where + "path: module file not found: " + display_path(w.file, project_dir));
        continue;
      }
      std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      it = files.emplace(w.file, std::move(bytes)).first;
    }
    if (component::is_component(it->second)) {
      verify_component(w, engine, it->second, where, display_path(w.file, project_dir), diag);
      continue;
    }
    try {
      w.module = engine.load(it->second, w.hash);
    } catch (const engine::LoadError& err) {
      diag.add(where + err.what());
      continue;
    } catch (const engine::ModuleError& err) {
      diag.add(where + "path: " + display_path(w.file, project_dir) +
               " is not a valid WebAssembly module: " + err.describe());
      continue;
    } catch (const std::exception& err) {
      diag.add(where + "path: cannot load " + display_path(w.file, project_dir) + ": " + err.what());
      continue;
    }
    bool found = false;
    for (const engine::Export& ex : w.module->exports) {
      if (ex.name != w.method) continue;
      found = true;
      if (ex.kind != engine::ExternKind::Func) {
        diag.add(where + "method: export \"" + w.method + "\" of " + display_path(w.file, project_dir) +
                 " is a " + engine::extern_kind_name(ex.kind) + ", not a function");
      }
    }
    if (!found) {
      diag.add(where + "method: " + display_path(w.file, project_dir) + " exports no function \"" +
               w.method + "\"");
    }
    for (const std::string& problem : check_import_groups(*w.module, w.imports)) {
      diag.add(where + "imports: " + problem);
    }
    if (!w.wit.empty()) pick_wit_func(w, where, diag);
  }
}

}  // namespace

std::string module_file_problem(const WasmEntry& w) {
  std::error_code ec;
  if (w.file.empty() || !fs::is_regular_file(w.file, ec)) return "module missing";
  std::ifstream in(w.file, std::ios::binary);
  if (!in) return "module missing";
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string expected = w.hash;
  std::transform(expected.begin(), expected.end(), expected.begin(), [](unsigned char c) { return std::tolower(c); });
  if ("sha256:" + engine::sha256_hex(bytes) != expected) return "hash mismatch";
  return "";
}

LoadError::LoadError(std::vector<std::string> errors)
    : std::runtime_error(join_errors(errors)), errors_(std::move(errors)) {}

std::string LoadError::all() const {
  std::string s;
  for (const std::string& e : errors_) s += e + "\n";
  return s;
}

LockFile read_lock_file(const fs::path& project_dir) {
  fs::path dir = fs::absolute(project_dir).lexically_normal();
  fs::path lock = dir / kLockFileName;
  std::error_code ec;
  if (!fs::is_regular_file(lock, ec)) {
    throw LoadError({std::string(kLockFileName) + " not found in " + dir.string() +
                     ": run wippy in a project directory, or create " + kLockFileName +
                     " there with 'directories: {src: ./src}'"});
  }
  YAML::Node root;
  try {
    root = YAML::LoadFile(lock.string());
  } catch (const YAML::ParserException& e) {
    throw LoadError({std::string(kLockFileName) + ":" + std::to_string(e.mark.line + 1) + ":" +
                     std::to_string(e.mark.column + 1) + ": invalid YAML: " + e.msg});
  } catch (const YAML::Exception& e) {
    throw LoadError({std::string(kLockFileName) + ": " + e.what()});
  }
  Diagnostics diag;
  detail::Fields f(std::string(kLockFileName) + ": ", diag);
  std::string src = "./src";
  if (root.IsDefined() && !root.IsNull()) {
    if (!root.IsMap()) {
      throw LoadError({std::string(kLockFileName) + ": must be a map such as 'directories: {src: ./src}'"});
    }
    if (auto dirs = f.map(root, "directories", "directories")) {
      if (auto s = f.str(*dirs, "src", "directories.src")) src = *s;
    }
  }
  if (!diag.empty()) throw LoadError(std::move(diag.errors()));
  LockFile out;
  out.src_dir = (dir / src).lexically_normal();
  if (!fs::is_directory(out.src_dir, ec)) {
    throw LoadError({std::string(kLockFileName) + ": directories.src: " + src +
                     " is not a directory (create it, or point directories.src at your YAML files)"});
  }
  return out;
}

Registry Registry::load(const fs::path& project_dir, engine::Engine& engine, const LoadOptions& options) {
  Registry reg;
  reg.project_dir_ = fs::absolute(project_dir).lexically_normal();
  while (reg.project_dir_.has_filename() == false && reg.project_dir_ != reg.project_dir_.root_path()) {
    reg.project_dir_ = reg.project_dir_.parent_path();  // drop a trailing separator
  }
  LockFile lock = read_lock_file(reg.project_dir_);
  reg.src_dir_ = lock.src_dir;

  Diagnostics diag;
  std::vector<Entry> entries;
  for (const fs::path& file : yaml_files(reg.src_dir_)) {
    detail::parse_file(file, display_path(file, reg.project_dir_), reg.project_dir_, entries, diag);
  }

  // Duplicate IDs.
  std::map<std::string, fs::path> first;  // ID -> the file that defined it
  std::vector<Entry> unique;
  for (Entry& e : entries) {
    auto [it, inserted] = first.emplace(e.id, e.file);
    if (!inserted) {
      diag.add(e.file.generic_string() + ": entry " + e.id + ": duplicate entry ID (first defined in " +
               it->second.generic_string() + ")");
      continue;
    }
    unique.push_back(std::move(e));
  }
  std::map<std::string, const Entry*> commands;
  for (const Entry& e : unique) {
    if (!e.command) continue;
    auto [it, inserted] = commands.emplace(e.command->name, &e);
    if (!inserted) {
      diag.add(e.file.generic_string() + ": entry " + e.id + ": meta.command.name: command \"" +
               e.command->name + "\" is already defined by " + it->second->id);
    }
  }
  check_references(unique, diag);
  detail::check_services(unique, diag);
  for (const Entry& e : unique) {
    if (e.kind != Kind::FsDirectory) continue;
    const FsDirectory& d = e.fs_directory();
    std::error_code ec;
    if (!d.auto_init && !fs::is_directory(d.directory, ec)) {
      diag.add(e.file.generic_string() + ": entry " + e.id + ": directory: " + d.configured +
               " does not exist (create it, or set auto_init: true)");
    }
  }
  if (options.verify_wasm) verify_wasm(unique, engine, reg.project_dir_, diag);
  if (!diag.empty()) throw LoadError(std::move(diag.errors()));

  if (options.init_directories) {
    for (const Entry& e : unique) {
      if (e.kind != Kind::FsDirectory || !e.fs_directory().auto_init) continue;
      const FsDirectory& d = e.fs_directory();
      std::error_code ec;
      if (fs::is_directory(d.directory, ec)) continue;
      fs::create_directories(d.directory, ec);
      if (!ec) fs::permissions(d.directory, static_cast<fs::perms>(d.mode), ec);
      if (ec) {
        throw LoadError({e.file.generic_string() + ": entry " + e.id + ": directory: cannot create " +
                         d.configured + ": " + ec.message()});
      }
    }
  }

  std::sort(unique.begin(), unique.end(), [](const Entry& a, const Entry& b) { return a.id < b.id; });
  for (Entry& e : unique) {
    auto ptr = std::make_shared<const Entry>(std::move(e));
    reg.by_id_.emplace(ptr->id, ptr);
    if (ptr->command) reg.commands_.emplace(ptr->command->name, ptr.get());
    reg.entries_.push_back(std::move(ptr));
  }
  return reg;
}

const Entry* Registry::find(std::string_view id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : it->second.get();
}

std::shared_ptr<const Entry> Registry::share(std::string_view id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : it->second;
}

std::vector<const Entry*> Registry::of_kind(Kind kind) const {
  std::vector<const Entry*> out;
  for (const auto& e : entries_) {
    if (e->kind == kind) out.push_back(e.get());
  }
  return out;
}

std::vector<const Entry*> Registry::commands() const {
  std::vector<const Entry*> out;
  for (const auto& [name, e] : commands_) out.push_back(e);
  return out;
}

const Entry* Registry::find_command(std::string_view name) const {
  auto it = commands_.find(name);
  return it == commands_.end() ? nullptr : it->second;
}

}  // namespace wippy::registry

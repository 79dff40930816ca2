// Per-kind entry parsing: required fields, types and local rules.
#include "registry/parse.h"

#include <set>

#include "component/wit.h"
#include "procs/value.h"
#include "registry/service.h"
#include "wasi/fd_table.h"

namespace wippy::registry::detail {

namespace fs = std::filesystem;

namespace {

struct FileContext {
  fs::path file;  // absolute
  std::string display;
  fs::path project_dir;
  std::string ns;
};

bool valid_name(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

bool valid_hash(const std::string& h) {
  constexpr std::string_view kPrefix = "sha256:";
  if (h.size() != kPrefix.size() + 64 || !h.starts_with(kPrefix)) return false;
  for (size_t i = kPrefix.size(); i < h.size(); ++i) {
    char c = h[i];
    bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex) return false;
  }
  return true;
}

// "/a/b/" -> "/a/b"; "/" stays.
std::string normalise_guest(const std::string& p) {
  std::string n = fs::path(p).lexically_normal().generic_string();
  while (n.size() > 1 && n.back() == '/') n.pop_back();
  return n;
}

FsDirectory parse_fs_directory(const YAML::Node& node, const Fields& f, const FileContext& fc) {
  FsDirectory d;
  if (auto dir = f.str(node, "directory", "directory", true)) {
    d.configured = *dir;
    d.directory = (fc.project_dir / *dir).lexically_normal();
  }
  if (auto mode = Fields::get(node, "mode")) {
    std::optional<uint64_t> m;
    if (mode->IsScalar()) {
      const std::string& s = mode->Scalar();
      bool octal = !s.empty() && s.size() <= 5;
      for (char c : s) octal = octal && c >= '0' && c <= '7';
      if (octal) m = std::stoull(s, nullptr, 8);
    }
    if (!m || *m > 07777) {
      f.error("mode must be an octal permission such as \"0755\"");
    } else {
      d.mode = static_cast<uint32_t>(*m);
    }
  }
  if (auto a = f.boolean(node, "auto_init", "auto_init")) d.auto_init = *a;
  return d;
}

EnvVariable parse_env_variable(const YAML::Node& node, const Fields& f) {
  EnvVariable e;
  if (auto v = f.str(node, "variable", "variable", true)) {
    if (v->find('=') != std::string::npos) f.error("variable must not contain '='");
    e.variable = *v;
  }
  if (auto d = f.str(node, "default", "default")) e.default_value = *d;
  return e;
}

// wasi.network.allow / .listen: lists of HOST:PORT rules.
void parse_network(const YAML::Node& net, const Fields& f, wasi::NetworkPolicy& out) {
  f.refuse_unknown(net, {"allow", "listen"}, "wasi.network");
  for (auto [key, rules] : {std::pair{"allow", &out.connect}, std::pair{"listen", &out.bind}}) {
    std::string field = std::string("wasi.network.") + key;
    auto list = f.str_list(net, key, field);
    if (!list) continue;
    for (size_t i = 0; i < list->size(); ++i) {
      std::string why;
      if (auto rule = wasi::NetRule::parse((*list)[i], why)) rules->push_back(*rule);
      else f.error(field + "[" + std::to_string(i) + "]: \"" + (*list)[i] + "\": " + why);
    }
  }
}

void parse_wasi(const YAML::Node& wasi, const Fields& f, const FileContext& fc, WasiConfig& out) {
  f.refuse_unknown(wasi, {"args", "cwd", "env", "mounts", "max_open_files", "max_write_bytes", "network"}, "wasi");
  if (auto net = f.map(wasi, "network", "wasi.network")) parse_network(*net, f, out.network);
  if (auto args = f.str_list(wasi, "args", "wasi.args")) out.args = *args;
  if (auto n = f.uint(wasi, "max_open_files", "wasi.max_open_files", 3, wasi::FdTable::kMaxMaxDescriptors))
    out.max_open_files = static_cast<uint32_t>(*n);
  out.max_write_bytes = f.uint(wasi, "max_write_bytes", "wasi.max_write_bytes", 0, uint64_t{1} << 62);
  if (auto cwd = f.str(wasi, "cwd", "wasi.cwd")) {
    if (cwd->empty() || (*cwd)[0] != '/') {
      f.error("wasi.cwd must be an absolute path, got \"" + *cwd + "\"");
    } else {
      out.cwd = normalise_guest(*cwd);
    }
  }
  if (auto env = f.list(wasi, "env", "wasi.env")) {
    std::set<std::string> names;
    size_t i = 0;
    for (const YAML::Node& item : *env) {
      std::string field = "wasi.env[" + std::to_string(i++) + "]";
      if (!item.IsMap()) {
        f.error(field + " must be a map with id, name and required");
        continue;
      }
      f.refuse_unknown(item, {"id", "name", "required"}, field);
      WasiEnv e;
      if (auto id = f.str(item, "id", field + ".id", true)) e.id = full_id(*id, fc.ns);
      if (auto name = f.str(item, "name", field + ".name")) {
        if (name->empty() || name->find('=') != std::string::npos) {
          f.error(field + ".name must be a non-empty name without '='");
        } else if (!names.insert(*name).second) {
          f.error(field + ".name: duplicate wasi env name \"" + *name + "\"");
        }
        e.name = *name;
      }
      if (auto r = f.boolean(item, "required", field + ".required")) e.required = *r;
      out.env.push_back(std::move(e));
    }
  }
  if (auto mounts = f.list(wasi, "mounts", "wasi.mounts")) {
    std::set<std::string> guests;
    size_t i = 0;
    for (const YAML::Node& item : *mounts) {
      std::string field = "wasi.mounts[" + std::to_string(i++) + "]";
      if (!item.IsMap()) {
        f.error(field + " must be a map with fs, guest and read_only");
        continue;
      }
      f.refuse_unknown(item, {"fs", "guest", "read_only"}, field);
      WasiMount m;
      if (auto fsid = f.str(item, "fs", field + ".fs", true)) m.fs = full_id(*fsid, fc.ns);
      if (auto guest = f.str(item, "guest", field + ".guest", true)) {
        if ((*guest)[0] != '/') {
          f.error(field + ".guest must be an absolute path, got \"" + *guest + "\"");
        } else {
          m.guest = normalise_guest(*guest);
          if (!guests.insert(m.guest).second) {
            f.error(field + ".guest: duplicate mount point \"" + m.guest + "\"");
          }
        }
      }
      if (auto ro = f.boolean(item, "read_only", field + ".read_only")) m.read_only = *ro;
      out.mounts.push_back(std::move(m));
    }
  }
}

void parse_limits(const YAML::Node& limits, const Fields& f, WasmLimits& out) {
  f.refuse_unknown(limits, {"max_execution_ms", "fuel", "max_memory_pages", "max_call_depth"},
                   "limits");
  out.max_execution_ms = f.uint(limits, "max_execution_ms", "limits.max_execution_ms", 1, UINT64_MAX);
  out.fuel = f.uint(limits, "fuel", "limits.fuel", 1, UINT64_MAX);
  if (auto p = f.uint(limits, "max_memory_pages", "limits.max_memory_pages", 1, 65536)) {
    out.max_memory_pages = static_cast<uint32_t>(*p);
  }
  if (auto d = f.uint(limits, "max_call_depth", "limits.max_call_depth", 1, 1u << 24)) {
    out.max_call_depth = static_cast<uint32_t>(*d);
  }
}

WasmEntry parse_wasm(const YAML::Node& node, const Fields& f, const FileContext& fc) {
  WasmEntry w;
  if (auto v = f.str(node, "fs", "fs", true)) w.fs = full_id(*v, fc.ns);
  if (auto v = f.str(node, "path", "path", true)) {
    std::string rel = *v;
    while (!rel.empty() && rel[0] == '/') rel.erase(0, 1);
    fs::path norm = fs::path(rel).lexically_normal();
    if (rel.empty() || norm.empty() || *norm.begin() == "..") {
      f.error("path must name a file inside the directory of fs, got \"" + *v + "\"");
    }
    w.path = *v;
  }
  if (auto v = f.str(node, "hash", "hash", true)) {
    if (!valid_hash(*v)) {
      f.error("hash must be sha256:<64 hex digits>, got \"" + *v + "\"");
    }
    w.hash = *v;
  }
  if (auto v = f.str(node, "method", "method", true)) w.method = *v;
  if (auto v = f.str(node, "wit", "wit")) {
    w.wit = *v;
    try {
      component::parse_wit_funcs(w.wit);  // the method's signature is picked once the module is loaded
    } catch (const component::WitError& e) {
      f.error(std::string("wit: ") + e.what());
    }
  }
  if (auto imports = f.str_list(node, "imports", "imports")) {
    for (const std::string& name : *imports) {
      if (auto g = parse_import_group(name)) {
        w.imports.insert(*g);
      } else {
        f.error("imports: unknown import group \"" + name + "\" (known: " + known_import_groups() +
                ")");
      }
    }
  }
  if (auto wasi = f.map(node, "wasi", "wasi")) parse_wasi(*wasi, f, fc, w.wasi);
  if (auto limits = f.map(node, "limits", "limits")) parse_limits(*limits, f, w.limits);
  return w;
}

LuaEntry parse_lua(const YAML::Node& node, const Fields& f, const FileContext& fc) {
  LuaEntry l;
  if (auto src = f.str(node, "source", "source", true)) {
    l.source_uri = *src;
    constexpr std::string_view kScheme = "file://";
    if (!src->starts_with(kScheme) || src->size() == kScheme.size()) {
      f.error("source must be file://<path relative to the YAML file>, got \"" + *src + "\"");
    } else {
      l.source = (fc.file.parent_path() / src->substr(kScheme.size())).lexically_normal();
      std::error_code ec;
      if (!fs::is_regular_file(l.source, ec)) {
        std::error_code ec2;
        fs::path shown = l.source.lexically_relative(fc.project_dir);
        f.error("source: file not found: " + (shown.empty() ? l.source : shown).string());
      }
    }
  }
  if (auto m = f.str(node, "method", "method", true)) l.method = *m;
  if (auto mods = f.str_list(node, "modules", "modules")) l.modules = *mods;
  if (auto limits = f.map(node, "limits", "limits")) {
    f.refuse_unknown(*limits, {"max_execution_ms", "fuel", "max_memory"}, "limits");
    l.limits.max_execution_ms = f.uint(*limits, "max_execution_ms", "limits.max_execution_ms", 1, UINT64_MAX);
    l.limits.fuel = f.uint(*limits, "fuel", "limits.fuel", 1, UINT64_MAX);
    l.limits.max_memory = f.uint(*limits, "max_memory", "limits.max_memory", 1, uint64_t{1} << 40);
  }
  return l;
}

ProcessHostEntry parse_process_host(const YAML::Node& node, const Fields& f) {
  ProcessHostEntry h;
  auto host = f.map(node, "host", "host");
  if (!host) return h;
  f.refuse_unknown(*host,
                   {"workers", "queue_size", "local_queue_size", "stop_timeout", "max_mailbox_messages",
                    "max_mailbox_bytes", "max_timers", "max_message_bytes", "max_message_depth", "deterministic", "seed"},
                   "host");
  if (auto d = f.boolean(*host, "deterministic", "host.deterministic")) h.deterministic = *d;
  h.seed = f.uint(*host, "seed", "host.seed", 0, UINT64_MAX);
  if (h.seed && !h.deterministic) f.error("host.seed needs host.deterministic: true");
  if (auto w = f.uint(*host, "workers", "host.workers", 1, 1024)) h.workers = static_cast<unsigned>(*w);
  // A run queue capacity cannot be applied: a runnable process waits in exactly one
  // run queue (the number of processes bounds them), and a full queue could only
  // drop a runnable process or block whoever wakes it (the event loop). Refused, not
  // ignored, so that nobody counts on it.
  for (const char* key : {"queue_size", "local_queue_size"}) {
    if (host->IsMap() && (*host)[key]) {
      f.error(std::string("host.") + key +
              " is not supported: a runnable process waits in exactly one run queue, so the number of processes "
              "bounds them; remove the field");
    }
  }
  h.max_mailbox_messages = f.uint(*host, "max_mailbox_messages", "host.max_mailbox_messages", 0, 1u << 30);
  h.max_mailbox_bytes = f.uint(*host, "max_mailbox_bytes", "host.max_mailbox_bytes", 0, uint64_t{1} << 40);
  h.max_timers = f.uint(*host, "max_timers", "host.max_timers", 0, 1u << 30);
  h.max_message_bytes = f.uint(*host, "max_message_bytes", "host.max_message_bytes", 0, uint64_t{1} << 40);
  if (auto d = f.uint(*host, "max_message_depth", "host.max_message_depth", 1, procs::MessageLimits::kMaxMaxDepth))
    h.max_message_depth = static_cast<unsigned>(*d);
  if (auto t = f.str(*host, "stop_timeout", "host.stop_timeout")) {
    if (auto ms = parse_duration_ms(*t)) {
      h.stop_timeout_ms = *ms;
    } else {
      f.error("host.stop_timeout must be a duration such as 500ms, 10s or 1m, got \"" + *t + "\"");
    }
  }
  return h;
}

void parse_meta(const YAML::Node& node, const Fields& f, Entry& e) {
  auto meta = f.map(node, "meta", "meta");
  if (!meta) return;
  if (auto r = f.boolean(*meta, "remote_spawn", "meta.remote_spawn")) {
    if (*r && !e.is_process()) f.error("meta.remote_spawn: only process.wasm and process.lua entries can be spawned");
    e.remote_spawn = *r;
  }
  auto cmd = f.map(*meta, "command", "meta.command");
  if (!cmd) return;
  if (!e.is_process()) {
    f.error("meta.command: only process.wasm and process.lua entries can be commands");
    return;
  }
  Command c;
  if (auto name = f.str(*cmd, "name", "meta.command.name", true)) {
    if (name == "list") {
      f.error("meta.command.name: \"list\" is reserved (wippy run list)");
    } else if ((*name)[0] == '-' || name->find_first_of(" \t") != std::string::npos) {
      f.error("meta.command.name must not start with '-' or contain spaces, got \"" + *name + "\"");
    }
    c.name = *name;
  }
  if (auto s = f.str(*cmd, "short", "meta.command.short")) c.short_description = *s;
  if (!c.name.empty()) e.command = std::move(c);
}

// The keys an entry of `kind` may have: its own fields plus name, kind and meta.
// Anything else is refused, so a typo (`limit:` for `limits:`) cannot silently drop
// a setting.
const std::vector<std::string_view>& entry_keys(Kind kind) {
  static const std::vector<std::string_view> fs_directory{"name", "kind", "meta", "directory", "mode",
                                                          "auto_init"};
  static const std::vector<std::string_view> env_variable{"name", "kind", "meta", "variable", "default"};
  static const std::vector<std::string_view> wasm{"name", "kind",   "meta",    "fs",   "path",
                                                  "hash", "method", "imports", "wasi", "limits", "wit"};
  static const std::vector<std::string_view> lua{"name", "kind", "meta", "source", "method", "modules", "limits"};
  static const std::vector<std::string_view> process_host{"name", "kind", "meta", "host"};
  static const std::vector<std::string_view> terminal_host{"name", "kind", "meta"};
  static const std::vector<std::string_view> service{"name", "kind", "meta", "process", "host", "input", "lifecycle"};
  switch (kind) {
    case Kind::FsDirectory: return fs_directory;
    case Kind::EnvVariable: return env_variable;
    case Kind::ProcessWasm:
    case Kind::FunctionWasm: return wasm;
    case Kind::ProcessLua:
    case Kind::FunctionLua: return lua;
    case Kind::ProcessHost: return process_host;
    case Kind::ProcessService: return service;
    case Kind::TerminalHost: break;
  }
  return terminal_host;
}

void parse_entry(const YAML::Node& node, size_t index, const FileContext& fc,
                 std::vector<Entry>& out, Diagnostics& diag) {
  std::string where = fc.display + ": entries[" + std::to_string(index) + "]: ";
  if (!node.IsMap()) {
    diag.add(where + "an entry must be a map with name and kind");
    return;
  }
  Fields pre(where, diag);
  std::optional<std::string> name = pre.str(node, "name", "name", true);
  if (!name) return;
  if (!valid_name(*name)) {
    pre.error("name \"" + *name + "\" may only contain letters, digits, '_', '-' and '.'");
    return;
  }
  Entry e;
  e.ns = fc.ns;
  e.name = *name;
  e.id = fc.ns + ":" + *name;
  e.file = fc.display;
  Fields f(fc.display + ": entry " + e.id + ": ", diag);
  std::optional<std::string> kind = f.str(node, "kind", "kind", true);
  if (!kind) return;
  std::optional<Kind> k = parse_kind(*kind);
  if (!k) {
    f.error("unknown kind \"" + *kind + "\" (known: " + known_kinds() + ")");
    return;
  }
  e.kind = *k;
  size_t before = f.errors_so_far();
  f.refuse_unknown(node, entry_keys(e.kind), "");
  switch (e.kind) {
    case Kind::FsDirectory: e.data = parse_fs_directory(node, f, fc); break;
    case Kind::EnvVariable: e.data = parse_env_variable(node, f); break;
    case Kind::ProcessWasm:
    case Kind::FunctionWasm: e.data = parse_wasm(node, f, fc); break;
    case Kind::ProcessLua:
    case Kind::FunctionLua: e.data = parse_lua(node, f, fc); break;
    case Kind::ProcessHost: e.data = parse_process_host(node, f); break;
    case Kind::TerminalHost: e.data = TerminalHostEntry{}; break;
    case Kind::ProcessService: e.data = parse_service(node, f, e.id, fc.ns); break;
  }
  parse_meta(node, f, e);
  if (f.errors_so_far() == before) out.push_back(std::move(e));
}

}  // namespace

std::string full_id(const std::string& ref, const std::string& ns) {
  if (ref.find(':') != std::string::npos) return ref;
  return ns + ":" + ref;
}

void parse_file(const fs::path& file, const std::string& display, const fs::path& project_dir,
                std::vector<Entry>& out, Diagnostics& diag) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(file.string());
  } catch (const YAML::BadFile&) {
    diag.add(display + ": cannot read the file");
    return;
  } catch (const YAML::ParserException& e) {
    diag.add(display + ":" + std::to_string(e.mark.line + 1) + ":" +
             std::to_string(e.mark.column + 1) + ": invalid YAML: " + e.msg);
    return;
  } catch (const YAML::Exception& e) {
    diag.add(display + ": invalid YAML: " + e.what());
    return;
  }
  try {
    if (!root.IsDefined() || root.IsNull()) return;  // an empty file declares nothing
    if (!root.IsMap()) {
      diag.add(display + ": the file must be a map with version, namespace and entries");
      return;
    }
    Fields f(display + ": ", diag);
    f.str(root, "version", "version", true);
    std::optional<std::string> ns = f.str(root, "namespace", "namespace", true);
    if (ns && !valid_name(*ns)) {
      f.error("namespace \"" + *ns + "\" may only contain letters, digits, '_', '-' and '.'");
      ns.reset();
    }
    f.map(root, "meta", "meta");
    std::optional<YAML::Node> entries = f.list(root, "entries", "entries");
    if (!ns || !entries) return;
    FileContext fc{file, display, project_dir, *ns};
    size_t i = 0;
    for (const YAML::Node& node : *entries) parse_entry(node, i++, fc, out, diag);
  } catch (const YAML::Exception& e) {
    // Defensive: the reads above check types first, so this is not expected.
    diag.add(display + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

}  // namespace wippy::registry::detail

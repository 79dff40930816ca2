// Registry loading: a good project, each validation rule and its message, bad YAML,
// hash mismatch.
#include "registry/registry.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>

namespace fs = std::filesystem;
using namespace wippy;
using registry::Kind;
using registry::LoadError;
using registry::Registry;

namespace {

std::vector<uint8_t> read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string probe_hash(const char* name = "registry_probe") {
  return "sha256:" + engine::sha256_hex(read_bytes(fs::path(WIPPY_GUEST_DIR) / (std::string(name) + ".wasm")));
}

// A temporary project directory: wippy.lock, src/, wasm/ with the probe modules.
class Project {
 public:
  Project() {
    char tmpl[] = "/tmp/wippy-registry-test-XXXXXX";
    dir_ = mkdtemp(tmpl);
    write("wippy.lock", "directories:\n  src: ./src\n");
    fs::create_directories(dir_ / "src");
    fs::create_directories(dir_ / "wasm");
    fs::copy_file(fs::path(WIPPY_GUEST_DIR) / "registry_probe.wasm", dir_ / "wasm/worker.wasm");
    fs::copy_file(fs::path(WIPPY_GUEST_DIR) / "registry_wasi_probe.wasm", dir_ / "wasm/wasi.wasm");
  }
  ~Project() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  const fs::path& dir() const { return dir_; }
  void write(const std::string& rel, const std::string& text) {
    fs::create_directories((dir_ / rel).parent_path());
    std::ofstream(dir_ / rel) << text;
  }
  Registry load(registry::LoadOptions opts = {}) { return Registry::load(dir_, engine_, opts); }
  // The load's errors (fails the test if it succeeded).
  std::vector<std::string> errors() {
    try {
      load();
    } catch (const LoadError& e) {
      return e.errors();
    }
    ADD_FAILURE() << "load succeeded";
    return {};
  }
  std::string first_error() {
    auto e = errors();
    return e.empty() ? "" : e.front();
  }

 private:
  fs::path dir_;
  engine::Engine engine_;
};

// The issue's project, with one wasm entry whose fields are `wasm_fields`.
std::string index_yaml(const std::string& wasm_fields) {
  return "version: \"1.0\"\n"
         "namespace: myns\n"
         "entries:\n"
         "  - name: wasm_binaries\n"
         "    kind: fs.directory\n"
         "    directory: ./wasm\n"
         "  - name: compute_worker\n"
         "    kind: process.wasm\n" +
         wasm_fields +
         "  - name: processes\n"
         "    kind: process.host\n"
         "  - name: terminal\n"
         "    kind: terminal.host\n"
         "  - name: main\n"
         "    kind: process.lua\n"
         "    source: file://main.lua\n"
         "    method: main\n"
         "    meta:\n"
         "      command: { name: demo, short: Spawn a WASM worker }\n";
}

std::string good_wasm_fields() {
  return "    fs: myns:wasm_binaries\n"
         "    path: /worker.wasm\n"
         "    hash: " + probe_hash() + "\n"
         "    method: compute\n";
}

void write_good(Project& p, const std::string& wasm_fields = good_wasm_fields()) {
  p.write("src/_index.yaml", index_yaml(wasm_fields));
  p.write("src/main.lua", "return { main = function() return 0 end }\n");
}

bool contains(const std::vector<std::string>& errors, const std::string& needle) {
  for (const auto& e : errors) {
    if (e.find(needle) != std::string::npos) return true;
  }
  return false;
}

#define EXPECT_ERROR(project, needle)                                   \
  do {                                                                  \
    auto errs_ = (project).errors();                                    \
    std::string all_;                                                   \
    for (const auto& e_ : errs_) all_ += e_ + "\n";                     \
    EXPECT_TRUE(contains(errs_, needle)) << "wanted: " << (needle) << "\ngot:\n" << all_; \
  } while (0)

}  // namespace

TEST(Registry, LoadsTheIssueProject) {
  Project p;
  write_good(p);
  Registry reg = p.load();
  EXPECT_EQ(reg.entries().size(), 5u);
  const registry::Entry* w = reg.find("myns:compute_worker");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->kind, Kind::ProcessWasm);
  EXPECT_EQ(w->wasm().fs, "myns:wasm_binaries");
  EXPECT_EQ(w->wasm().method, "compute");
  EXPECT_EQ(w->wasm().file, p.dir() / "wasm/worker.wasm");
  ASSERT_NE(w->wasm().module, nullptr);
  EXPECT_EQ(w->file, "src/_index.yaml");
  const registry::Entry* m = reg.find("myns:main");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->lua().source, p.dir() / "src/main.lua");
  EXPECT_EQ(m->lua().method, "main");
  ASSERT_TRUE(m->command.has_value());
  EXPECT_EQ(m->command->name, "demo");
  EXPECT_EQ(m->command->short_description, "Spawn a WASM worker");
  EXPECT_EQ(reg.find_command("demo"), m);
  ASSERT_EQ(reg.commands().size(), 1u);
  EXPECT_EQ(reg.of_kind(Kind::ProcessHost).size(), 1u);
  EXPECT_EQ(reg.of_kind(Kind::TerminalHost).size(), 1u);
  EXPECT_EQ(reg.find("myns:nothing"), nullptr);
}

TEST(Registry, FullFieldSet) {
  Project p;
  write_good(p, good_wasm_fields() +
                    "    imports: [wasi:cli, wasi:clocks/wall-clock@0.2.3, funcs]\n"
                    "    wasi:\n"
                    "      args: [a, b]\n"
                    "      cwd: /data/\n"
                    "      env:\n"
                    "        - { id: myns:home, name: HOME, required: true }\n"
                    "        - { id: lang }\n"
                    "      mounts:\n"
                    "        - { fs: myns:wasm_binaries, guest: /data/, read_only: true }\n"
                    "      max_open_files: 64\n"
                    "      max_write_bytes: 10_000_000\n"
                    "      network: { allow: [\"api.example.com:443\", \"127.0.0.1:8080\"], listen: [\"*:9000\"] }\n"
                    "    limits:\n"
                    "      max_execution_ms: 5000\n"
                    "      fuel: 1_000_000\n"
                    "      max_memory_pages: 16\n"
                    "      max_call_depth: 500\n");
  p.write("src/env/vars.yml",
          "version: \"1.0\"\nnamespace: myns\nentries:\n"
          "  - { name: home, kind: env.variable, variable: HOME }\n"
          "  - { name: lang, kind: env.variable, variable: WIPPY_TEST_LANG, default: en }\n");
  p.write("src/hosts.yaml",
          "version: \"1.0\"\nnamespace: other\nentries:\n"
          "  - name: big\n    kind: process.host\n"
          "    host: { workers: 3, stop_timeout: 2s,\n"
          "            max_mailbox_messages: 500, max_mailbox_bytes: 1_000_000, max_timers: 0,\n"
          "            max_message_bytes: 65536, max_message_depth: 8 }\n"
          "  - name: out\n    kind: fs.directory\n    directory: ./out/dir\n    mode: \"0700\"\n"
          "    auto_init: true\n");
  Registry reg = p.load();
  const auto& w = reg.find("myns:compute_worker")->wasm();
  EXPECT_TRUE(w.enables(registry::ImportGroup::Cli));
  EXPECT_TRUE(w.enables(registry::ImportGroup::Clocks));
  EXPECT_TRUE(w.enables(registry::ImportGroup::Funcs));
  EXPECT_FALSE(w.enables(registry::ImportGroup::Http));
  EXPECT_EQ(w.wasi.args, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(w.wasi.cwd, "/data");
  ASSERT_EQ(w.wasi.env.size(), 2u);
  EXPECT_EQ(w.wasi.env[0].id, "myns:home");
  EXPECT_TRUE(w.wasi.env[0].required);
  EXPECT_EQ(w.wasi.env[1].id, "myns:lang");  // same-namespace short reference
  EXPECT_EQ(w.wasi.env[1].name, "WIPPY_TEST_LANG");  // defaults to the OS name
  ASSERT_EQ(w.wasi.mounts.size(), 1u);
  EXPECT_EQ(w.wasi.mounts[0].guest, "/data");
  EXPECT_TRUE(w.wasi.mounts[0].read_only);
  EXPECT_EQ(w.wasi.max_open_files, 64u);
  EXPECT_EQ(w.wasi.max_write_bytes, 10000000u);
  ASSERT_EQ(w.wasi.network.connect.size(), 2u);
  EXPECT_EQ(w.wasi.network.connect[1].to_string(), "127.0.0.1:8080");
  ASSERT_EQ(w.wasi.network.bind.size(), 1u);
  EXPECT_EQ(w.wasi.network.bind[0].to_string(), "*:9000");
  EXPECT_EQ(w.limits.max_execution_ms, 5000u);
  EXPECT_EQ(w.limits.fuel, 1000000u);
  EXPECT_EQ(w.limits.max_memory_pages, 16u);
  EXPECT_EQ(w.limits.max_call_depth, 500u);
  const auto& h = reg.find("other:big")->process_host();
  EXPECT_EQ(h.workers, 3u);
  EXPECT_EQ(h.stop_timeout_ms, 2000u);
  EXPECT_EQ(h.max_mailbox_messages, 500u);
  EXPECT_EQ(h.max_mailbox_bytes, 1000000u);
  EXPECT_EQ(h.max_timers, 0u);  // 0: no limit
  EXPECT_EQ(h.max_message_bytes, 65536u);
  EXPECT_EQ(h.max_message_depth, 8u);
  const auto& lang = reg.find("myns:lang")->env_variable();
  unsetenv("WIPPY_TEST_LANG");
  EXPECT_EQ(lang.resolve(), "en");
  setenv("WIPPY_TEST_LANG", "fr", 1);
  EXPECT_EQ(lang.resolve(), "fr");
  unsetenv("WIPPY_TEST_LANG");
  const auto& out = reg.find("other:out")->fs_directory();
  EXPECT_TRUE(fs::is_directory(out.directory));  // auto_init
  EXPECT_EQ(out.mode, 0700u);
}

TEST(Registry, SocketsImportGroup) {
  Project p;
  write_good(p, good_wasm_fields() + "    imports: [wasi:cli, wasi:sockets]\n");
  Registry reg = p.load();
  const auto& w = reg.find("myns:compute_worker")->wasm();
  EXPECT_TRUE(w.enables(registry::ImportGroup::Sockets));
  EXPECT_FALSE(w.enables(registry::ImportGroup::Http));
  EXPECT_EQ(registry::parse_import_group("wasi:sockets/tcp@0.2.0"), registry::ImportGroup::Sockets);
}

TEST(Registry, LockFileMissing) {
  Project p;
  write_good(p);
  fs::remove(p.dir() / "wippy.lock");
  std::string e = p.first_error();
  EXPECT_NE(e.find("wippy.lock not found in " + p.dir().string()), std::string::npos) << e;
  EXPECT_NE(e.find("directories: {src: ./src}"), std::string::npos) << e;
}

TEST(Registry, LockFileDefaultsAndCustomSrc) {
  Project p;
  write_good(p);
  p.write("wippy.lock", "");
  EXPECT_EQ(p.load().src_dir(), p.dir() / "src");
  p.write("wippy.lock", "directories: {src: ./elsewhere}\n");
  EXPECT_ERROR(p, "wippy.lock: directories.src: ./elsewhere is not a directory");
  fs::rename(p.dir() / "src", p.dir() / "elsewhere");
  EXPECT_EQ(p.load().src_dir(), p.dir() / "elsewhere");
  p.write("wippy.lock", "directories: [\n");
  EXPECT_ERROR(p, "wippy.lock:");
}

TEST(Registry, RequiredWasmFields) {
  const char* fields[] = {"fs", "path", "hash", "method"};
  for (const char* missing : fields) {
    Project p;
    std::string f;
    if (std::string(missing) != "fs") f += "    fs: myns:wasm_binaries\n";
    if (std::string(missing) != "path") f += "    path: /worker.wasm\n";
    if (std::string(missing) != "hash") f += "    hash: " + probe_hash() + "\n";
    if (std::string(missing) != "method") f += "    method: compute\n";
    write_good(p, f);
    EXPECT_ERROR(p, std::string("src/_index.yaml: entry myns:compute_worker: ") + missing + " is required");
  }
}

TEST(Registry, HashMismatchFailsTheWholeLoad) {
  Project p;
  std::string wrong = "sha256:" + std::string(64, '0');
  write_good(p, "    fs: myns:wasm_binaries\n    path: /worker.wasm\n    hash: " + wrong +
                    "\n    method: compute\n");
  std::string e = p.first_error();
  EXPECT_NE(e.find("src/_index.yaml: entry myns:compute_worker: hash verification failed: expected " +
                   wrong + ", got " + probe_hash()),
            std::string::npos)
      << e;
}

TEST(Registry, HashFormat) {
  Project p;
  write_good(p, "    fs: myns:wasm_binaries\n    path: /worker.wasm\n    hash: md5:abc\n    method: compute\n");
  EXPECT_ERROR(p, "entry myns:compute_worker: hash must be sha256:<64 hex digits>, got \"md5:abc\"");
}

TEST(Registry, WasmFileAndExports) {
  {
    Project p;
    write_good(p, "    fs: myns:wasm_binaries\n    path: /missing.wasm\n    hash: " + probe_hash() +
                      "\n    method: compute\n");
    EXPECT_ERROR(p, "entry myns:compute_worker: path: module file not found: wasm/missing.wasm");
  }
  {
    Project p;
    write_good(p, "    fs: myns:wasm_binaries\n    path: /../wippy.lock\n    hash: " + probe_hash() +
                      "\n    method: compute\n");
    EXPECT_ERROR(p, "entry myns:compute_worker: path must name a file inside the directory of fs");
  }
  {
    Project p;
    write_good(p, "    fs: myns:wasm_binaries\n    path: /worker.wasm\n    hash: " + probe_hash() +
                      "\n    method: nope\n");
    EXPECT_ERROR(p, "entry myns:compute_worker: method: wasm/worker.wasm exports no function \"nope\"");
  }
  {
    Project p;
    write_good(p, "    fs: myns:wasm_binaries\n    path: /worker.wasm\n    hash: " + probe_hash() +
                      "\n    method: memory\n");
    EXPECT_ERROR(p, "entry myns:compute_worker: method: export \"memory\" of wasm/worker.wasm is a memory");
  }
  {
    Project p;
    p.write("wasm/junk.wasm", "not wasm");
    std::string h = "sha256:" + engine::sha256_hex(read_bytes(p.dir() / "wasm/junk.wasm"));
    write_good(p, "    fs: myns:wasm_binaries\n    path: /junk.wasm\n    hash: " + h + "\n    method: compute\n");
    EXPECT_ERROR(p, "entry myns:compute_worker: path: wasm/junk.wasm is not a valid WebAssembly module");
  }
}

TEST(Registry, ImportGroupsOfTheModule) {
  std::string base = "    fs: myns:wasm_binaries\n    path: /wasi.wasm\n    hash: " +
                     probe_hash("registry_wasi_probe") + "\n    method: run\n";
  {
    Project p;
    write_good(p, base);
    auto errs = p.errors();
    EXPECT_TRUE(contains(errs, "entry myns:compute_worker: imports: the module imports "
                               "wasi_snapshot_preview1.fd_write, which needs import group wasi:cli "
                               "(or wasi:io, wasi:filesystem); add it to imports"));
    EXPECT_TRUE(contains(errs, "wasi_snapshot_preview1.random_get, which needs import group wasi:random"));
  }
  {
    Project p;
    write_good(p, base + "    imports: [wasi:io/streams@0.2.3, wasi:random]\n");
    EXPECT_NO_THROW(p.load());
  }
}

TEST(Registry, UnknownKindAndImportGroup) {
  {
    Project p;
    write_good(p);
    p.write("src/more.yaml", "version: \"1\"\nnamespace: x\nentries:\n  - { name: a, kind: http.router }\n");
    EXPECT_ERROR(p, "src/more.yaml: entry x:a: unknown kind \"http.router\" (known: fs.directory,");
  }
  {
    Project p;
    write_good(p, good_wasm_fields() + "    imports: [wasi:cli, wasi:keyvalue]\n");
    EXPECT_ERROR(p, "entry myns:compute_worker: imports: unknown import group \"wasi:keyvalue\" (known: wasi:cli,");
  }
}

TEST(Registry, ReferencesMustExistWithTheRightKind) {
  {
    Project p;
    write_good(p, "    fs: myns:nope\n    path: /worker.wasm\n    hash: " + probe_hash() + "\n    method: compute\n");
    EXPECT_ERROR(p, "src/_index.yaml: entry myns:compute_worker: fs: myns:nope is not defined");
  }
  {
    Project p;
    write_good(p, "    fs: myns:processes\n    path: /worker.wasm\n    hash: " + probe_hash() +
                      "\n    method: compute\n");
    EXPECT_ERROR(p, "entry myns:compute_worker: fs: myns:processes is a process.host, expected fs.directory");
  }
  {
    Project p;
    write_good(p, good_wasm_fields() + "    wasi:\n      env: [{ id: myns:wasm_binaries, name: X }]\n");
    EXPECT_ERROR(p, "entry myns:compute_worker: wasi.env[0].id: myns:wasm_binaries is a fs.directory, "
                    "expected env.variable");
  }
  {
    Project p;
    write_good(p, good_wasm_fields() + "    wasi:\n      mounts: [{ fs: other:dir, guest: /x }]\n");
    EXPECT_ERROR(p, "entry myns:compute_worker: wasi.mounts[0].fs: other:dir is not defined");
  }
}

TEST(Registry, WasiRules) {
  {
    Project p;
    write_good(p, good_wasm_fields() + "    wasi:\n      cwd: data\n");
    EXPECT_ERROR(p, "entry myns:compute_worker: wasi.cwd must be an absolute path, got \"data\"");
  }
  {
    Project p;
    write_good(p, good_wasm_fields() +
                      "    wasi:\n      mounts:\n"
                      "        - { fs: myns:wasm_binaries, guest: /a }\n"
                      "        - { fs: myns:wasm_binaries, guest: /a/ }\n");
    EXPECT_ERROR(p, "entry myns:compute_worker: wasi.mounts[1].guest: duplicate mount point \"/a\"");
  }
  {
    Project p;
    write_good(p, good_wasm_fields() + "    wasi:\n      mounts: [{ fs: myns:wasm_binaries, guest: rel }]\n");
    EXPECT_ERROR(p, "entry myns:compute_worker: wasi.mounts[0].guest must be an absolute path, got \"rel\"");
  }
  {
    Project p;
    write_good(p, good_wasm_fields() + "    wasi:\n      env:\n"
                                       "        - { id: myns:v, name: A }\n"
                                       "        - { id: myns:v, name: A }\n");
    p.write("src/v.yaml", "version: \"1\"\nnamespace: myns\nentries:\n  - { name: v, kind: env.variable, variable: V }\n");
    EXPECT_ERROR(p, "entry myns:compute_worker: wasi.env[1].name: duplicate wasi env name \"A\"");
  }
  {
    Project p;
    write_good(p, good_wasm_fields() + "    wasi:\n      argz: [a]\n");
    EXPECT_ERROR(p, "entry myns:compute_worker: wasi.argz: unknown field");
  }
  for (const char* bad : {"2", "65537"}) {
    Project p;
    write_good(p, good_wasm_fields() + "    wasi:\n      max_open_files: " + bad + "\n");
    EXPECT_ERROR(p, "entry myns:compute_worker: wasi.max_open_files must be between 3 and 65536");
  }
  {
    Project p;
    write_good(p, good_wasm_fields() + "    wasi:\n      max_write_bytes: -5\n");
    EXPECT_ERROR(p, "entry myns:compute_worker: wasi.max_write_bytes must be a non-negative integer");
  }
  {
    Project p;
    write_good(p, good_wasm_fields() + "    wasi:\n      network: { allow: [\"ok.example:80\", \"bad:70000\"] }\n");
    EXPECT_ERROR(p, "entry myns:compute_worker: wasi.network.allow[1]: \"bad:70000\": bad port \"70000\"");
  }
  {
    Project p;
    write_good(p, good_wasm_fields() + "    wasi:\n      network: { connect: [\"x:1\"] }\n");
    EXPECT_ERROR(p, "entry myns:compute_worker: wasi.network.connect: unknown field");
  }
}

TEST(Registry, Limits) {
  {
    Project p;
    write_good(p, good_wasm_fields() + "    limits:\n      fuel: -5\n");
    EXPECT_ERROR(p, "entry myns:compute_worker: limits.fuel must be a non-negative integer");
  }
  {
    Project p;
    write_good(p, good_wasm_fields() + "    limits:\n      max_memory_pages: 70000\n");
    EXPECT_ERROR(p, "entry myns:compute_worker: limits.max_memory_pages must be between 1 and 65536, got 70000");
  }
  {
    Project p;
    write_good(p, good_wasm_fields() + "    limits:\n      max_exec_ms: 5\n");
    EXPECT_ERROR(p, "entry myns:compute_worker: limits.max_exec_ms: unknown field (known: max_execution_ms,");
  }
  {
    Project p;
    write_good(p, good_wasm_fields() + "    limits: 5\n");
    EXPECT_ERROR(p, "entry myns:compute_worker: limits must be a map");
  }
}

// An entry's own keys are checked like nested ones: a misspelt `limits:` must not
// silently drop the limit.
TEST(Registry, UnknownEntryKeysAreRefused) {
  {
    Project p;
    write_good(p, good_wasm_fields() + "    limit:\n      fuel: 1000\n");
    EXPECT_ERROR(p, "src/_index.yaml: entry myns:compute_worker: limit: unknown field (known: name, kind, meta, fs, "
                    "path, hash, method, imports, wasi, limits, wit)");
  }
  {
    Project p;
    write_good(p);
    p.write("src/k.yaml", "version: \"1\"\nnamespace: k\nentries:\n"
                          "  - { name: h, kind: process.host, workers: 2 }\n"
                          "  - { name: t, kind: terminal.host, host: { workers: 1 } }\n"
                          "  - { name: d, kind: fs.directory, directory: ./d, dir: ./e }\n"
                          "  - { name: v, kind: env.variable, variable: V, defaults: x }\n"
                          "  - { name: l, kind: process.lua, source: file://main.lua, method: main,\n"
                          "      module: [json] }\n");
    auto errs = p.errors();
    EXPECT_TRUE(contains(errs, "src/k.yaml: entry k:h: workers: unknown field (known: name, kind, meta, host)"));
    EXPECT_TRUE(contains(errs, "src/k.yaml: entry k:t: host: unknown field (known: name, kind, meta)"));
    EXPECT_TRUE(contains(errs, "src/k.yaml: entry k:d: dir: unknown field"));
    EXPECT_TRUE(contains(errs, "src/k.yaml: entry k:v: defaults: unknown field"));
    EXPECT_TRUE(contains(errs, "src/k.yaml: entry k:l: module: unknown field (known: name, kind, meta, source, "
                               "method, modules, limits)"));
    EXPECT_EQ(errs.size(), 5u);
  }
}

TEST(Registry, LuaLimits) {
  {
    Project p;
    p.write("src/_index.yaml", index_yaml(good_wasm_fields()) +
                                   "    limits:\n      max_execution_ms: 250\n      fuel: 1000000\n      max_memory: 8000000\n");
    p.write("src/main.lua", "return {}\n");
    Registry reg = p.load();
    EXPECT_EQ(reg.find("myns:main")->lua().limits.max_execution_ms, 250u);
    EXPECT_EQ(reg.find("myns:main")->lua().limits.fuel, 1000000u);
    EXPECT_EQ(reg.find("myns:main")->lua().limits.max_memory, 8000000u);
  }
  {
    Project p;
    p.write("src/_index.yaml", index_yaml(good_wasm_fields()) +
                                   "    limits:\n      fuel: 0\n      max_memory: -5\n      max_pages: 3\n");
    p.write("src/main.lua", "return {}\n");
    auto errs = p.errors();
    EXPECT_TRUE(contains(errs, "src/_index.yaml: entry myns:main: limits.fuel must be between 1 and"));
    EXPECT_TRUE(contains(errs, "src/_index.yaml: entry myns:main: limits.max_memory must be a non-negative integer"));
    EXPECT_TRUE(contains(errs, "entry myns:main: limits.max_pages: unknown field (known: max_execution_ms, fuel, max_memory)"));
  }
}

TEST(Registry, LuaEntries) {
  {
    Project p;
    write_good(p);
    fs::remove(p.dir() / "src/main.lua");
    EXPECT_ERROR(p, "src/_index.yaml: entry myns:main: source: file not found: src/main.lua");
  }
  {
    Project p;
    write_good(p);
    p.write("src/f.yaml", "version: \"1\"\nnamespace: f\nentries:\n"
                          "  - { name: a, kind: function.lua, source: main.lua, method: x }\n"
                          "  - { name: b, kind: function.lua, source: file://lib/b.lua }\n"
                          "  - { name: c, kind: process.lua, source: file://lib/b.lua, method: m, modules: [json, 3] }\n");
    p.write("src/lib/b.lua", "return {}\n");
    auto errs = p.errors();
    EXPECT_TRUE(contains(errs, "src/f.yaml: entry f:a: source must be file://<path relative to the YAML file>"));
    EXPECT_TRUE(contains(errs, "src/f.yaml: entry f:b: method is required"));
    EXPECT_FALSE(contains(errs, "entry f:c: modules"));  // scalars are strings
  }
}

TEST(Registry, DuplicateIdsAndCommands) {
  {
    Project p;
    write_good(p);
    p.write("src/z.yaml", "version: \"1\"\nnamespace: myns\nentries:\n  - { name: terminal, kind: terminal.host }\n");
    EXPECT_ERROR(p, "src/z.yaml: entry myns:terminal: duplicate entry ID (first defined in src/_index.yaml)");
  }
  {
    Project p;
    write_good(p);
    p.write("src/z.yaml", "version: \"1\"\nnamespace: z\nentries:\n"
                          "  - { name: m, kind: process.lua, source: file://main.lua, method: main,"
                          " meta: { command: { name: demo } } }\n");
    p.write("src/main.lua", "return {}\n");
    EXPECT_ERROR(p, "src/z.yaml: entry z:m: meta.command.name: command \"demo\" is already defined by myns:main");
  }
  {
    Project p;
    write_good(p);
    p.write("src/z.yaml", "version: \"1\"\nnamespace: z\nentries:\n"
                          "  - { name: m, kind: process.host, meta: { command: { name: x } } }\n"
                          "  - { name: n, kind: process.lua, source: file://main.lua, method: main,"
                          " meta: { command: { name: list } } }\n");
    p.write("src/main.lua", "return {}\n");
    auto errs = p.errors();
    EXPECT_TRUE(contains(errs, "src/z.yaml: entry z:m: meta.command: only process.wasm and process.lua"));
    EXPECT_TRUE(contains(errs, "src/z.yaml: entry z:n: meta.command.name: \"list\" is reserved"));
  }
}

TEST(Registry, RemoteSpawnMarksProcessEntriesOnly) {
  {
    Project p;
    write_good(p);
    p.write("src/z.yaml", "version: \"1\"\nnamespace: z\nentries:\n"
                          "  - { name: yes, kind: process.lua, source: file://main.lua, method: main,"
                          " meta: { remote_spawn: true } }\n"
                          "  - { name: no, kind: process.lua, source: file://main.lua, method: main }\n");
    p.write("src/main.lua", "return {}\n");
    Registry reg = p.load();
    EXPECT_TRUE(reg.find("z:yes")->remote_spawn);
    EXPECT_FALSE(reg.find("z:no")->remote_spawn);
  }
  {
    Project p;
    write_good(p);
    p.write("src/z.yaml", "version: \"1\"\nnamespace: z\nentries:\n"
                          "  - { name: h, kind: process.host, meta: { remote_spawn: true } }\n"
                          "  - { name: n, kind: process.lua, source: file://main.lua, method: main,"
                          " meta: { remote_spawn: sure } }\n");
    p.write("src/main.lua", "return {}\n");
    auto errs = p.errors();
    EXPECT_TRUE(contains(errs, "src/z.yaml: entry z:h: meta.remote_spawn: only process.wasm and process.lua"));
    EXPECT_TRUE(contains(errs, "src/z.yaml: entry z:n: meta.remote_spawn"));
  }
}

TEST(Registry, FileLevelRules) {
  {
    Project p;
    write_good(p);
    p.write("src/n.yaml", "version: \"1\"\nentries: []\n");
    EXPECT_ERROR(p, "src/n.yaml: namespace is required");
  }
  {
    Project p;
    write_good(p);
    p.write("src/n.yaml", "namespace: a\nentries: []\n");
    EXPECT_ERROR(p, "src/n.yaml: version is required");
  }
  {
    Project p;
    write_good(p);
    p.write("src/n.yaml", "version: \"1\"\nnamespace: a\nentries:\n  - { kind: terminal.host }\n  - 5\n"
                          "  - { name: \"a:b\", kind: terminal.host }\n  - { name: t }\n");
    auto errs = p.errors();
    EXPECT_TRUE(contains(errs, "src/n.yaml: entries[0]: name is required"));
    EXPECT_TRUE(contains(errs, "src/n.yaml: entries[1]: an entry must be a map"));
    EXPECT_TRUE(contains(errs, "src/n.yaml: entries[2]: name \"a:b\" may only contain"));
    EXPECT_TRUE(contains(errs, "src/n.yaml: entry a:t: kind is required"));
  }
  {
    Project p;
    write_good(p);
    p.write("src/n.yaml", "- just\n- a list\n");
    EXPECT_ERROR(p, "src/n.yaml: the file must be a map with version, namespace and entries");
  }
  {
    Project p;
    write_good(p);
    p.write("src/empty.yaml", "");
    p.write("src/notes.txt", "ignored: [");
    EXPECT_NO_THROW(p.load());
  }
}

TEST(Registry, BadYamlSyntaxNamesFileAndLine) {
  Project p;
  write_good(p);
  p.write("src/broken.yaml", "version: \"1\"\nnamespace: b\nentries:\n  - name: [unclosed\n    kind: x\n");
  std::string e = p.first_error();
  EXPECT_NE(e.find("src/broken.yaml:"), std::string::npos) << e;
  EXPECT_NE(e.find("invalid YAML"), std::string::npos) << e;
  // "src/broken.yaml:<line>:<col>: ..."
  EXPECT_TRUE(e.starts_with("src/broken.yaml:") && std::isdigit(static_cast<unsigned char>(e[16]))) << e;
}

TEST(Registry, AllErrorsAreCollectedAndNothingLoads) {
  Project p;
  write_good(p, "    kind: process.wasm\n");  // nothing but the kind
  p.write("src/other.yaml", "version: \"1\"\nnamespace: o\nentries:\n  - { name: a, kind: bogus }\n");
  try {
    p.load();
    FAIL() << "load succeeded";
  } catch (const LoadError& e) {
    EXPECT_GE(e.errors().size(), 5u);  // fs, path, hash, method, kind
    EXPECT_NE(std::string(e.what()).find("more error"), std::string::npos);
    EXPECT_NE(e.all().find("src/other.yaml: entry o:a: unknown kind"), std::string::npos);
  }
}

TEST(Registry, FsDirectoryRules) {
  {
    Project p;
    write_good(p);
    p.write("src/d.yaml", "version: \"1\"\nnamespace: d\nentries:\n  - { name: a, kind: fs.directory, directory: ./nope }\n"
                          "  - { name: b, kind: fs.directory, directory: ./x, mode: rwx, auto_init: true }\n"
                          "  - { name: c, kind: fs.directory }\n");
    auto errs = p.errors();
    EXPECT_TRUE(contains(errs, "src/d.yaml: entry d:a: directory: ./nope does not exist (create it, or set auto_init: true)"));
    EXPECT_TRUE(contains(errs, "src/d.yaml: entry d:b: mode must be an octal permission"));
    EXPECT_TRUE(contains(errs, "src/d.yaml: entry d:c: directory is required"));
    EXPECT_FALSE(fs::exists(p.dir() / "x"));  // all-or-nothing: no directory made
  }
}

TEST(Registry, ProcessHostFields) {
  Project p;
  write_good(p);
  p.write("src/h.yaml", "version: \"1\"\nnamespace: h\nentries:\n"
                        "  - { name: a, kind: process.host, host: { workers: 0 } }\n"
                        "  - { name: b, kind: process.host, host: { stop_timeout: soon } }\n"
                        "  - { name: c, kind: process.host, host: { worker: 2 } }\n"
                        "  - { name: d, kind: process.host, host: { queue_size: 100, local_queue_size: 10 } }\n");
  auto errs = p.errors();
  EXPECT_TRUE(contains(errs, "src/h.yaml: entry h:a: host.workers must be between 1 and 1024, got 0"));
  EXPECT_TRUE(contains(errs, "src/h.yaml: entry h:b: host.stop_timeout must be a duration"));
  EXPECT_TRUE(contains(errs, "src/h.yaml: entry h:c: host.worker: unknown field"));
  // Queue capacities cannot be applied (see parse_process_host): refused with why.
  EXPECT_TRUE(contains(errs, "src/h.yaml: entry h:d: host.queue_size is not supported: a runnable process waits "
                             "in exactly one run queue"));
  EXPECT_TRUE(contains(errs, "src/h.yaml: entry h:d: host.local_queue_size is not supported"));
}

TEST(Registry, ProcessHostLimits) {
  Project p;
  write_good(p);
  p.write("src/h.yaml", "version: \"1\"\nnamespace: h\nentries:\n"
                        "  - { name: a, kind: process.host, host: { max_mailbox_messages: -1 } }\n"
                        "  - { name: b, kind: process.host, host: { max_mailbox_bytes: 2_000_000_000_000 } }\n"
                        "  - { name: c, kind: process.host, host: { max_timers: lots } }\n"
                        "  - { name: d, kind: process.host, host: { max_message_depth: 0 } }\n"
                        "  - { name: e, kind: process.host, host: { max_message_depth: 1001, max_message_bytes: x } }\n");
  auto errs = p.errors();
  EXPECT_TRUE(contains(errs, "src/h.yaml: entry h:a: host.max_mailbox_messages must be a non-negative integer"));
  EXPECT_TRUE(contains(errs, "src/h.yaml: entry h:b: host.max_mailbox_bytes must be between 0 and 1099511627776"));
  EXPECT_TRUE(contains(errs, "src/h.yaml: entry h:c: host.max_timers must be a non-negative integer"));
  EXPECT_TRUE(contains(errs, "src/h.yaml: entry h:d: host.max_message_depth must be between 1 and 1000"));
  EXPECT_TRUE(contains(errs, "src/h.yaml: entry h:e: host.max_message_depth must be between 1 and 1000"));
  EXPECT_TRUE(contains(errs, "src/h.yaml: entry h:e: host.max_message_bytes must be a non-negative integer"));
}

TEST(Registry, SkipsWasmVerificationWhenAsked) {
  Project p;
  write_good(p, "    fs: myns:wasm_binaries\n    path: /worker.wasm\n    hash: sha256:" + std::string(64, 'a') +
                    "\n    method: compute\n");
  registry::LoadOptions opts;
  opts.verify_wasm = false;
  Registry reg = p.load(opts);
  EXPECT_EQ(reg.find("myns:compute_worker")->wasm().module, nullptr);
}

// --- components and wit: (issue 8) ----------------------------------------------------

namespace {

std::string guest_fields(Project& p, const std::string& guest, const std::string& method, const std::string& rest = "") {
  fs::copy_file(fs::path(WIPPY_GUEST_DIR) / (guest + ".wasm"), p.dir() / "wasm" / (guest + ".wasm"),
                fs::copy_options::overwrite_existing);
  return "    fs: myns:wasm_binaries\n    path: /" + guest + ".wasm\n    hash: " + probe_hash(guest.c_str()) +
         "\n    method: " + method + "\n" + rest;
}

}  // namespace

TEST(Registry, LoadsAComponentEntry) {
  Project p;
  write_good(p, guest_fields(p, "faults.component", "echo-users"));
  Registry reg = p.load();
  const registry::WasmEntry& w = reg.find("myns:compute_worker")->wasm();
  ASSERT_TRUE(w.component);
  EXPECT_FALSE(w.module);
}

TEST(Registry, AComponentMethodMustBeAnExport) {
  Project p;
  write_good(p, guest_fields(p, "faults.component", "nope"));
  EXPECT_EQ(p.first_error(), "src/_index.yaml: entry myns:compute_worker: method: wasm/faults.component.wasm: "
                             "no exported function `nope` (the component exports: add, echo-users, echo-result, "
                             "count-bytes, spin, forever, crash, bad-utf8, bad-list, big)");
}

TEST(Registry, AComponentHashIsVerified) {
  Project p;
  std::string fields = guest_fields(p, "faults.component", "add");
  fields.replace(fields.find("hash: sha256:") + 13, 4, "0000");
  write_good(p, fields);
  EXPECT_TRUE(contains(p.errors(), "hash verification failed")) << p.first_error();
}

TEST(Registry, WitSignaturesForACoreModule) {
  Project p;
  write_good(p, guest_fields(p, "wit_core", "greet", "    wit: \"greet: func(name: string) -> string;\"\n"));
  Registry reg = p.load();
  const registry::WasmEntry& w = reg.find("myns:compute_worker")->wasm();
  ASSERT_TRUE(w.wit_func);
  EXPECT_EQ(w.wit_func->params().at(0).name, "name");

  write_good(p, guest_fields(p, "wit_core", "sum", "    wit: \"greet: func(name: string) -> string;\"\n"));
  EXPECT_EQ(p.first_error(), "src/_index.yaml: entry myns:compute_worker: wit: no signature for the method \"sum\" "
                             "(the wit declares: greet)");
  write_good(p, guest_fields(p, "wit_core", "greet", "    wit: \"greet: func(n: u32) -> string;\"\n"));
  EXPECT_EQ(p.first_error(), "src/_index.yaml: entry myns:compute_worker: wit: the signature of \"greet\" needs the core "
                             "type [i32] -> [i32], the module exports [i32 i32] -> [i32]");
  write_good(p, guest_fields(p, "wit_core", "greet", "    wit: \"greet: func(name: strng) -> string;\"\n"));
  EXPECT_EQ(p.first_error(), "src/_index.yaml: entry myns:compute_worker: wit: line 1: unknown type `strng`");
}

TEST(Registry, ProcessServiceBecomesASupervisorConfig) {
  Project p;
  write_good(p);
  p.write("src/s.yaml",
          "version: \"1\"\nnamespace: svc\nentries:\n"
          "  - name: db\n    kind: process.service\n    process: myns:main\n    host: myns:processes\n"
          "  - name: api\n    kind: process.service\n    process: myns:compute_worker\n    host: myns:processes\n"
          "    input: [6, 7.5, \"8\", true, x, [1], {k: v}]\n"
          "    lifecycle:\n      auto_start: true\n      start_timeout: 1m30s\n      stop_timeout: 250000000\n"
          "      stable_threshold: 1.5s\n      requires: [db]\n      startup: optional\n"
          "      restart: { initial_delay: 500ms, max_delay: 1m, backoff_factor: 3, jitter: 0.25, max_attempts: 4 }\n");
  Registry reg = p.load();
  const procs::ServiceConfig& c = reg.find("svc:api")->service();
  using namespace std::chrono;
  EXPECT_EQ(c.id, "svc:api");
  EXPECT_EQ(c.process, "myns:compute_worker");
  EXPECT_EQ(c.host, "myns:processes");
  EXPECT_EQ(procs::Value(c.input).to_string(), "[6, 7.5, \"8\", true, \"x\", [1], {k = \"v\"}]");
  EXPECT_TRUE(c.auto_start);
  EXPECT_EQ(c.start_timeout, seconds(90));
  EXPECT_EQ(c.stop_timeout, milliseconds(250));  // an integer is nanoseconds
  EXPECT_EQ(c.stable_threshold, milliseconds(1500));
  EXPECT_EQ(c.depends_on, std::vector<std::string>{"svc:db"});
  EXPECT_FALSE(c.required);
  EXPECT_EQ(c.restart.initial_delay, milliseconds(500));
  EXPECT_EQ(c.restart.max_delay, minutes(1));
  EXPECT_EQ(c.restart.backoff_factor, 3.0);
  EXPECT_EQ(c.restart.jitter, 0.25);
  EXPECT_EQ(c.restart.max_attempts, 4u);
  const procs::ServiceConfig& d = reg.find("svc:db")->service();  // the design's defaults
  EXPECT_FALSE(d.auto_start);
  EXPECT_EQ(d.start_timeout, seconds(10));
  EXPECT_EQ(d.stable_threshold, seconds(5));
  EXPECT_TRUE(d.required);
  EXPECT_EQ(d.restart.initial_delay, seconds(1));
  EXPECT_EQ(d.restart.max_delay, seconds(90));
}

TEST(Registry, ProcessServiceErrorsNameEntryAndField) {
  Project p;
  write_good(p);
  p.write("src/s.yaml",
          "version: \"1\"\nnamespace: s\nentries:\n"
          "  - { name: a, kind: process.service, host: myns:processes }\n"
          "  - { name: b, kind: process.service, process: myns:main }\n"
          "  - { name: c, kind: process.service, process: myns:nope, host: myns:terminal }\n"
          "  - { name: d, kind: process.service, process: myns:main, host: myns:processes,\n"
          "      lifecycle: { start_timeout: \"10 s\", stop_timeout: 0, stable_threshold: -1s, startup: maybe,\n"
          "                   restart: { initial_delay: 5s, max_delay: 1s, jitter: 2, backoff_factor: 0.5, delay: 1 } } }\n"
          "  - { name: e, kind: process.service, process: myns:main, host: myns:processes,\n"
          "      lifecycle: { requires: [f], start_timeout: \"10\" } }\n"
          "  - { name: f, kind: process.service, process: myns:main, host: myns:processes,\n"
          "      lifecycle: { requires: [g] } }\n"
          "  - { name: g, kind: process.service, process: myns:main, host: myns:processes,\n"
          "      lifecycle: { requires: [e] } }\n");
  auto errs = p.errors();
  std::string all;
  for (const auto& e : errs) all += e + "\n";
  EXPECT_TRUE(contains(errs, "src/s.yaml: entry s:a: process is required")) << all;
  EXPECT_TRUE(contains(errs, "src/s.yaml: entry s:b: host is required")) << all;
  EXPECT_TRUE(contains(errs, "src/s.yaml: entry s:d: lifecycle.start_timeout: invalid duration \"10 s\": unknown unit")) << all;
  EXPECT_TRUE(contains(errs, "src/s.yaml: entry s:d: lifecycle.stop_timeout must be positive, got 0")) << all;
  EXPECT_TRUE(contains(errs, "src/s.yaml: entry s:d: lifecycle.stable_threshold must be zero or more, got -1s")) << all;
  EXPECT_TRUE(contains(errs, "src/s.yaml: entry s:d: lifecycle.startup must be required or optional, got \"maybe\"")) << all;
  EXPECT_TRUE(contains(errs, "src/s.yaml: entry s:d: lifecycle.restart.max_delay must not be less than initial_delay")) << all;
  EXPECT_TRUE(contains(errs, "src/s.yaml: entry s:d: lifecycle.restart.jitter must be a number from 0.0 to 1.0")) << all;
  EXPECT_TRUE(contains(errs, "src/s.yaml: entry s:d: lifecycle.restart.backoff_factor must be a number from 1.0")) << all;
  EXPECT_TRUE(contains(errs, "src/s.yaml: entry s:d: lifecycle.restart.delay: unknown field")) << all;
  EXPECT_TRUE(contains(errs, "src/s.yaml: entry s:e: lifecycle.start_timeout: invalid duration \"10\": missing unit")) << all;
  // References are checked once every entry parsed, so this file's other errors come first.
  p.write("src/s.yaml",
          "version: \"1\"\nnamespace: s\nentries:\n"
          "  - { name: c, kind: process.service, process: myns:nope, host: myns:terminal }\n"
          "  - { name: h, kind: process.service, process: myns:main, host: myns:processes,\n"
          "      lifecycle: { requires: [myns:main, zzz] } }\n"
          "  - { name: e, kind: process.service, process: myns:main, host: myns:processes, lifecycle: { requires: [f] } }\n"
          "  - { name: f, kind: process.service, process: myns:main, host: myns:processes, lifecycle: { requires: [g] } }\n"
          "  - { name: g, kind: process.service, process: myns:main, host: myns:processes, lifecycle: { requires: [e] } }\n");
  errs = p.errors();
  all.clear();
  for (const auto& e : errs) all += e + "\n";
  EXPECT_TRUE(contains(errs, "src/s.yaml: entry s:c: process: myns:nope is not defined (declare a process.wasm or process.lua entry with that ID)")) << all;
  EXPECT_TRUE(contains(errs, "src/s.yaml: entry s:c: host: myns:terminal is a terminal.host, expected process.host")) << all;
  EXPECT_TRUE(contains(errs, "src/s.yaml: entry s:h: lifecycle.depends_on[0]: myns:main is a process.lua, expected process.service")) << all;
  EXPECT_TRUE(contains(errs, "src/s.yaml: entry s:h: lifecycle.depends_on[1]: s:zzz is not defined")) << all;
  p.write("src/s.yaml",
          "version: \"1\"\nnamespace: s\nentries:\n"
          "  - { name: e, kind: process.service, process: myns:main, host: myns:processes, lifecycle: { requires: [f] } }\n"
          "  - { name: f, kind: process.service, process: myns:main, host: myns:processes, lifecycle: { requires: [g] } }\n"
          "  - { name: g, kind: process.service, process: myns:main, host: myns:processes, lifecycle: { requires: [e] } }\n");
  EXPECT_EQ(p.first_error(), "src/s.yaml: entry s:e: lifecycle.depends_on: requires forms a cycle: s:e -> s:f -> s:g -> s:e");
}

TEST(Registry, FuncsInterfaceNamesTheFuncsGroup) {
  // wippy:runtime/funcs is the funcs group; the rest of wippy:runtime is the process group.
  EXPECT_EQ(registry::parse_import_group("funcs"), registry::ImportGroup::Funcs);
  EXPECT_EQ(registry::parse_import_group("wippy:runtime/funcs"), registry::ImportGroup::Funcs);
  EXPECT_EQ(registry::parse_import_group("wippy:runtime/funcs@0.1.0"), registry::ImportGroup::Funcs);
  EXPECT_EQ(registry::parse_import_group("wippy:runtime/process"), registry::ImportGroup::Process);
  EXPECT_EQ(registry::parse_import_group("wippy:runtime"), registry::ImportGroup::Process);
}

TEST(Registry, WippyRuntimeImportsNeedTheirGroup) {
  Project p;
  fs::copy_file(fs::path(WIPPY_GUEST_DIR) / "procs_echo.wasm", p.dir() / "wasm/echo.wasm");
  std::string hash = "sha256:" + engine::sha256_hex(read_bytes(p.dir() / "wasm/echo.wasm"));
  write_good(p, "    fs: myns:wasm_binaries\n    path: /echo.wasm\n    hash: " + hash + "\n    method: serve\n");
  EXPECT_ERROR(p, "entry myns:compute_worker: imports: the module imports wippy:runtime/process.receive, which needs "
                  "import group wippy:runtime; add it to imports");
  write_good(p, "    fs: myns:wasm_binaries\n    path: /echo.wasm\n    hash: " + hash +
                    "\n    method: serve\n    imports: [wippy:runtime/process]\n");
  Registry reg = p.load();
  EXPECT_TRUE(reg.find("myns:compute_worker")->wasm().enables(registry::ImportGroup::Process));
}

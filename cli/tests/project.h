// A temporary project directory for `wippy run` tests: write files, copy built guests
// in, run the wippy binary there.
#pragma once

#include <filesystem>
#include <fstream>
#include <span>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "tests/subprocess.h"

namespace wippy::test {

namespace fs = std::filesystem;

class Project {
 public:
  Project() {
    char tmpl[] = "/tmp/wippy-project-XXXXXX";
    root_ = mkdtemp(tmpl);
  }
  ~Project() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  void write(const std::string& rel, const std::string& text) const {
    fs::create_directories((root_ / rel).parent_path());
    std::ofstream(root_ / rel, std::ios::binary) << text;
  }
  std::string read(const std::string& rel) const { return wippy::test::slurp((root_ / rel).string()); }
  // Copies a built guest into bin/ and returns its "sha256:..." hash.
  std::string guest(const std::string& name) const {
    fs::create_directories(root_ / "bin");
    fs::copy_file(std::string(WIPPY_GUEST_DIR) + "/" + name + ".wasm", root_ / "bin" / (name + ".wasm"),
                  fs::copy_options::overwrite_existing);
    std::string bytes = read("bin/" + name + ".wasm");
    return "sha256:" + wippy::engine::sha256_hex(
                           std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
  }
  wippy::test::ProcessResult run(const std::vector<std::string>& args) const {
    std::string cmd = "cd '" + root_.string() + "' && exec " + WIPPY_CLI;
    for (const std::string& a : args) cmd += " '" + a + "'";
    return wippy::test::run_process({"/bin/sh", "-c", cmd});
  }
  const fs::path& root() const { return root_; }

 private:
  fs::path root_;
};

}  // namespace wippy::test

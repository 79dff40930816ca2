// wippy-spectest: runs wast2json spec scripts against the engine.
//
//   wippy-spectest [--sliced] [--lazy] [--verbose] [--no-fork] [--jobs N]
//                  [--timeout SECONDS] DIR_OR_JSON...
//
// A directory is searched recursively for *.json scripts (as laid out by the build:
// <dir>/<name>/<name>.json). Prints one line per script and a final
// "N passed, N failed, N skipped"; exits with 1 if anything failed.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "spec-tests/isolate.h"

namespace fs = std::filesystem;
using namespace wippy::spectest;

namespace {

void usage() {
  std::fprintf(stderr,
               "usage: wippy-spectest [--sliced] [--lazy] [--verbose] [--no-fork] [--jobs N]\n"
               "                      [--timeout SECONDS] DIR_OR_JSON...\n"
               "  --sliced     run every call and start function in budgets 1, 2, 3, 7, ...\n"
               "  --lazy       translate every module lazily (each function on its first call)\n"
               "  --verbose    list every failure and every differing error message\n"
               "  --no-fork    run scripts in this process (for debuggers)\n"
               "  --jobs N     run N scripts at a time (default 1)\n"
               "  --timeout S  per-script time limit in seconds (default 600, 0 = none)\n");
}

// "i32/i32.json" -> "i32.wast"; "tail-call/return_call/return_call.json" ->
// "tail-call/return_call.wast".
std::string display_name(const fs::path& json, const fs::path& root) {
  fs::path rel = root.empty() ? json.filename() : json.lexically_relative(root);
  fs::path parent = rel.parent_path();
  std::string stem = rel.stem().string();
  if (parent.filename() == stem) parent = parent.parent_path();
  return (parent / (stem + ".wast")).generic_string();
}

bool parse_unsigned(const char* s, unsigned& out) {
  char* end = nullptr;
  unsigned long v = std::strtoul(s, &end, 10);
  if (!*s || *end || v > 1000000) return false;
  out = static_cast<unsigned>(v);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  bool fork_scripts = true;
  unsigned jobs = 1;
  unsigned timeout_s = 600;
  std::vector<std::string> inputs;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--sliced") options.sliced = true;
    else if (a == "--lazy") options.lazy = true;
    else if (a == "--verbose" || a == "-v") options.verbose = true;
    else if (a == "--no-fork") fork_scripts = false;
    else if ((a == "--jobs" || a == "-j") && i + 1 < argc && parse_unsigned(argv[i + 1], jobs)) ++i;
    else if (a == "--timeout" && i + 1 < argc && parse_unsigned(argv[i + 1], timeout_s)) ++i;
    else if (a == "--help" || a == "-h") { usage(); return 0; }
    else if (a.starts_with("-")) { usage(); return 2; }
    else inputs.push_back(a);
  }
  if (inputs.empty()) { usage(); return 2; }

  std::vector<Job> all;
  for (const std::string& input : inputs) {
    fs::path p(input);
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<fs::path> found;
      for (auto it = fs::recursive_directory_iterator(p, ec); !ec && it != fs::recursive_directory_iterator();
           it.increment(ec)) {
        if (it->is_regular_file() && it->path().extension() == ".json") found.push_back(it->path());
      }
      if (ec) {
        std::fprintf(stderr, "wippy-spectest: cannot read %s: %s\n", input.c_str(), ec.message().c_str());
        return 2;
      }
      std::sort(found.begin(), found.end());
      for (const fs::path& f : found) all.push_back(Job{f, display_name(f, p)});
    } else if (fs::is_regular_file(p, ec)) {
      all.push_back(Job{p, display_name(p, {})});
    } else {
      std::fprintf(stderr, "wippy-spectest: no such file or directory: %s\n", input.c_str());
      return 2;
    }
  }
  if (all.empty()) {
    std::fprintf(stderr, "wippy-spectest: no .json scripts found\n");
    return 2;
  }

  uint64_t passed = 0, failed = 0, skipped = 0, executions = 0, slices = 0;
  auto report = [&](const JobResult& r) {
    passed += r.counts.passed;
    failed += r.counts.failed;
    skipped += r.counts.skipped;
    executions += r.counts.executions;
    slices += r.counts.slices;
    std::fputs(r.report.c_str(), stdout);
    std::fflush(stdout);
  };
  try {
    if (fork_scripts) {
      run_isolated(all, options, jobs, timeout_s, report);
    } else {
      for (const Job& job : all) report(run_in_process(job, options));
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "wippy-spectest: %s\n", e.what());
    return 2;
  }
  if (options.sliced) {
    std::printf("sliced: %llu executions took %llu run() calls\n",
                static_cast<unsigned long long>(executions), static_cast<unsigned long long>(slices));
  }
  std::printf("%llu passed, %llu failed, %llu skipped\n", static_cast<unsigned long long>(passed),
              static_cast<unsigned long long>(failed), static_cast<unsigned long long>(skipped));
  return failed ? 1 : 0;
}

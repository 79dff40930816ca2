// Runs scripts in child processes, so that a crash or a hang in one script costs that
// script only and the report of the others survives.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "spec-tests/script.h"

namespace wippy::spectest {

struct Job {
  std::filesystem::path json;
  std::string name;
};

struct JobResult {
  Progress counts;
  std::string report;  // format_report() text
};

// Runs every job in its own child process, at most `jobs` at a time, each limited to
// `timeout_s` seconds (0: no limit). `done` is called in the order of `all`.
void run_isolated(const std::vector<Job>& all, const Options& options, unsigned jobs,
                  unsigned timeout_s, const std::function<void(const JobResult&)>& done);

// Runs one job in this process.
JobResult run_in_process(const Job& job, const Options& options);

}  // namespace wippy::spectest

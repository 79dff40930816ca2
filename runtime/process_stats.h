// `wippy run --stats`: what each process of a run used (fuel, wall time, peak memory),
// measured by wrapping the processes the factory makes.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "procs/process.h"

namespace wippy::runtime {

struct ProcessStats {
  std::string pid;    // as text, e.g. {app:terminal|1}; empty if it never ran
  std::string entry;  // the entry ID
  procs::ProcessUsage usage;
  double wall_ms = 0;  // from creation (spawn) to close
};

class StatsRecorder {
 public:
  // `process`, measured: its stats are recorded when it closes.
  std::unique_ptr<procs::Process> wrap(std::string entry, std::unique_ptr<procs::Process> process);
  // Every process closed so far, in the order they closed.
  std::vector<ProcessStats> closed() const;

  void record(ProcessStats stats);  // (the wrapper's)

 private:
  mutable std::mutex mu_;
  std::vector<ProcessStats> closed_;
};

// The table `wippy run --stats` prints: a header line, then one line per process.
std::string format_stats(const std::vector<ProcessStats>& stats);

}  // namespace wippy::runtime

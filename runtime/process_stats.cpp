#include "runtime/process_stats.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

namespace wippy::runtime {

namespace {

// Forwards to the process and records its usage just before it closes.
class MeasuredProcess : public procs::Process {
 public:
  MeasuredProcess(StatsRecorder& recorder, std::string entry, std::unique_ptr<procs::Process> inner)
      : recorder_(recorder), inner_(std::move(inner)) {
    stats_.entry = std::move(entry);
  }

  procs::StepResult step(procs::ProcessContext& ctx) override {
    if (stats_.pid.empty()) stats_.pid = ctx.pid().to_string();
    return inner_->step(ctx);
  }

  void close() override {
    stats_.usage = inner_->usage();
    inner_->close();
    stats_.wall_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_).count();
    recorder_.record(std::move(stats_));
  }

  procs::ProcessUsage usage() const override { return inner_->usage(); }

 private:
  StatsRecorder& recorder_;
  std::unique_ptr<procs::Process> inner_;
  ProcessStats stats_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace

std::unique_ptr<procs::Process> StatsRecorder::wrap(std::string entry, std::unique_ptr<procs::Process> process) {
  return std::make_unique<MeasuredProcess>(*this, std::move(entry), std::move(process));
}

void StatsRecorder::record(ProcessStats stats) {
  std::lock_guard lk(mu_);
  closed_.push_back(std::move(stats));
}

std::vector<ProcessStats> StatsRecorder::closed() const {
  std::lock_guard lk(mu_);
  return closed_;
}

std::string format_stats(const std::vector<ProcessStats>& stats) {
  size_t pid_w = 3, entry_w = 5;
  for (const ProcessStats& s : stats) {
    pid_w = std::max(pid_w, s.pid.size());
    entry_w = std::max(entry_w, s.entry.size());
  }
  std::string out = fmt::format("{:<{}}  {:<{}}  {:>14}  {:>12}  {:>16}\n", "PID", pid_w, "ENTRY", entry_w, "FUEL",
                                "WALL MS", "PEAK MEMORY");
  for (const ProcessStats& s : stats) {
    out += fmt::format("{:<{}}  {:<{}}  {:>14}  {:>12.3f}  {:>16}\n", s.pid.empty() ? "-" : s.pid, pid_w, s.entry,
                       entry_w, s.usage.fuel, s.wall_ms, s.usage.peak_memory_bytes);
  }
  return out;
}

}  // namespace wippy::runtime

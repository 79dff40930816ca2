// The glue between a loaded project (registry) and the process system (procs):
// one host per process.host and terminal.host entry (named by the entry ID), and a
// process factory that turns entry IDs into WasmProcess / LuaProcess instances with
// the WASI imports their entries enable.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "runtime/cluster_options.h"
#include "cluster/node.h"
#include "procs/supervisor.h"
#include "procs/system.h"
#include "registry/registry.h"
#include "runtime/process_stats.h"
#include "runtime/project_command.h"

namespace wippy::runtime {


// Deterministic mode (`wippy run --deterministic`, or a process.host with
// `deterministic: true`) and the event trace (`--trace FILE`): procs::System.
struct DeterminismOptions {
  std::optional<uint64_t> seed;  // set: deterministic mode with this seed
  procs::Trace::Sink trace;      // empty: no trace
};

class ProjectRuntime {
 public:
  // Joins the cluster (when `cluster` names a node), creates the hosts and installs
  // the factory. Throws std::runtime_error when a host cannot be created or the
  // cluster cannot be joined.
  // With `stats`, every process it makes is measured into it (which must outlive this).
  explicit ProjectRuntime(std::shared_ptr<const registry::Registry> reg, const ClusterOptions& cluster = {},
                          const DeterminismOptions& determinism = {}, StatsRecorder* stats = nullptr);
  // Stops the services (reverse order), then the supervised shutdown, then leaves the
  // cluster.
  ~ProjectRuntime();

  procs::System& system() { return *system_; }
  // The process.service entries (started by wippy run before its command).
  procs::Supervisor& services() { return *services_; }
  const registry::Registry& registry() const { return *reg_; }

  // The process for entry `id` (process.* or function.*). Throws std::runtime_error
  // naming the problem (unknown entry, not a process or function).
  std::unique_ptr<procs::Process> make_process(const std::string& id, std::vector<procs::Value> args) const;

  // Starts the services, runs `cmd` on its terminal host and waits for its EXIT event;
  // nullopt when `control` was interrupted before the command started. Throws
  // CommandError when a service or the command cannot start. The services stop when
  // the runtime is destroyed.
  std::optional<procs::Event> run_command(const Command& cmd, CommandControl& control);

 private:
  std::shared_ptr<const registry::Registry> reg_;
  std::set<std::string> terminal_hosts_;  // IDs of the terminal.host entries
  std::unique_ptr<procs::System> system_;
  std::unique_ptr<procs::Supervisor> services_;
  std::shared_ptr<cluster::Node> node_;  // null when not clustered
  StatsRecorder* stats_ = nullptr;
};

}  // namespace wippy::runtime

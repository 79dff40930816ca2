// The options of `wippy run` that join a cluster: flags, environment variables, and
// the node options they make (with the meta.remote_spawn check of the project).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/node.h"
#include "registry/registry.h"

namespace wippy::runtime {

// Joining a cluster (`--node`/`--nats`): both empty keeps everything local.
struct ClusterOptions {
  std::string node;
  std::string nats_url;
  cluster::NatsSecurity security;
};

// The usage lines of the cluster flags and variables.
extern const char* const kClusterUsage;

// Reads WIPPY_NODE, WIPPY_NATS and the WIPPY_NATS_* credential and TLS variables.
void read_cluster_env(ClusterOptions& options);
// Every cluster flag (--node, --nats, --nats-user, ...).
std::vector<const char*> cluster_flags();
// Stores `value` when `flag` is a cluster flag (--node, --nats, --nats-user, ...);
// false for any other flag.
bool take_cluster_flag(std::string_view flag, const std::string& value, ClusterOptions& options);

// The node options for `options`: other nodes may spawn entries of `reg` marked
// meta.remote_spawn: true, and nothing else.
cluster::NodeOptions node_options(const ClusterOptions& options, std::shared_ptr<const registry::Registry> reg);

}  // namespace wippy::runtime

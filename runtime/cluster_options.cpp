// Cluster flags and variables of `wippy run`, and the remote-spawn check.
#include "runtime/cluster_options.h"

#include <cstdlib>
#include <utility>
#include <vector>

namespace wippy::runtime {

const char* const kClusterUsage =
    "  --node NAME --nats URL  join a cluster as node NAME (also WIPPY_NODE, WIPPY_NATS): pids\n"
    "               are then {NAME@host|N}; processes of other nodes can be sent to, spawned\n"
    "               on (host \"NODE@host\", entries with meta.remote_spawn: true), monitored,\n"
    "               linked and cancelled, and registered names are visible cluster-wide\n"
    "  --nats-user USER          NATS user (password: WIPPY_NATS_PASSWORD, or in the URL)\n"
    "  --nats-creds FILE         NATS credentials file (JWT and nkey seed)\n"
    "  --nats-nkey PUBKEY --nats-nkey-seed FILE   an nkey user\n"
    "  --nats-tls-ca FILE        trust this CA and require TLS (--nats-tls-cert FILE\n"
    "  --nats-tls-cert/--nats-tls-key FILE        and --nats-tls-key FILE: a client certificate)\n"
    "               each also as WIPPY_NATS_USER, _CREDS, _NKEY, _NKEY_SEED, _TLS_CA, _TLS_CERT,\n"
    "               _TLS_KEY; WIPPY_NATS_TOKEN sets a token, WIPPY_NATS_TLS=1 requires TLS\n";

namespace {

// Flag, variable and the field they set (the password and the token only by variable:
// a command line is visible to every user of the machine).
std::vector<std::pair<std::pair<const char*, const char*>, std::string cluster::NatsSecurity::*>> security_fields() {
  using S = cluster::NatsSecurity;
  return {{{"--nats-user", "WIPPY_NATS_USER"}, &S::user},
          {{nullptr, "WIPPY_NATS_PASSWORD"}, &S::password},
          {{nullptr, "WIPPY_NATS_TOKEN"}, &S::token},
          {{"--nats-creds", "WIPPY_NATS_CREDS"}, &S::creds_file},
          {{"--nats-nkey", "WIPPY_NATS_NKEY"}, &S::nkey},
          {{"--nats-nkey-seed", "WIPPY_NATS_NKEY_SEED"}, &S::nkey_seed_file},
          {{"--nats-tls-ca", "WIPPY_NATS_TLS_CA"}, &S::tls_ca},
          {{"--nats-tls-cert", "WIPPY_NATS_TLS_CERT"}, &S::tls_cert},
          {{"--nats-tls-key", "WIPPY_NATS_TLS_KEY"}, &S::tls_key}};
}

}  // namespace

void read_cluster_env(ClusterOptions& options) {
  if (const char* env = std::getenv("WIPPY_NODE")) options.node = env;
  if (const char* env = std::getenv("WIPPY_NATS")) options.nats_url = env;
  for (const auto& [names, field] : security_fields())
    if (const char* env = std::getenv(names.second)) options.security.*field = env;
  if (const char* env = std::getenv("WIPPY_NATS_TLS")) options.security.tls = std::string_view(env) == "1";
}

std::vector<const char*> cluster_flags() {
  std::vector<const char*> flags{"--node", "--nats"};
  for (const auto& [names, field] : security_fields())
    if (names.first) flags.push_back(names.first);
  return flags;
}

bool take_cluster_flag(std::string_view flag, const std::string& value, ClusterOptions& options) {
  if (flag == "--node") {
    options.node = value;
  } else if (flag == "--nats") {
    options.nats_url = value;
  } else {
    for (const auto& [names, field] : security_fields())
      if (names.first && flag == names.first) {
        options.security.*field = value;
        return true;
      }
    return false;
  }
  return true;
}

cluster::NodeOptions node_options(const ClusterOptions& options, std::shared_ptr<const registry::Registry> reg) {
  cluster::NodeOptions o;
  o.name = options.node;
  o.nats_url = options.nats_url;
  o.security = options.security;
  o.spawn_check = [reg = std::move(reg), node = options.node](const std::string& id) -> std::string {
    const registry::Entry* e = reg->find(id);
    if (!e) return "spawn on node " + node + ": no entry " + id + " there";
    if (!e->is_process()) return "spawn on node " + node + ": " + id + " is not a process entry";
    if (!e->remote_spawn)
      return "spawn on node " + node + ": entry " + id + " is not marked meta.remote_spawn: true there";
    return "";
  };
  return o;
}

}  // namespace wippy::runtime

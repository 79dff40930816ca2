// A cluster node: joins a process system to a NATS cluster so that pids of other
// nodes ({node@host|N}) work like local ones. Each node subscribes to its own
// subject (wippy.node.<name>); a send, monitor, link, cancel or event publishes one
// encoded envelope there. NATS keeps the order of one connection's messages on one
// subject and delivers at most once, and each node delivers its subject's messages
// on one thread in arrival order: so messages of one sender to one receiver arrive in
// order, at most once.
// Remote spawn is a request/reply on the target node's subject (the node checks
// NodeOptions::spawn_check first). Names are answered by their owning node: it
// subscribes to wippy.name.<hex of the name> while it holds the name, so a lookup is
// one request (no subscriber: NATS answers "no responders" at once).
// Nodes publish a heartbeat (wippy.heartbeat.<name>); a node that watches or links
// processes of another node and hears nothing from it for `node_timeout` (or hears it
// leave) delivers EXIT / LINK_DOWN "node down: NAME" for each of them.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <thread>
#include <utility>
#include <vector>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>

#include "cluster/value_codec.h"
#include "procs/system.h"

struct __natsConnection;
struct __natsSubscription;
struct __natsMsg;

namespace wippy::cluster {

// How a node proves itself to NATS and protects the connection (all optional).
struct NatsSecurity {
  std::string user, password;   // user/password auth (also possible in the URL)
  std::string token;            // token auth
  std::string creds_file;       // a decentralized-auth .creds file (JWT and nkey seed)
  std::string nkey;             // an nkey user: its public key ("U...") ...
  std::string nkey_seed_file;   // ... and the file holding its seed
  bool tls = false;             // require TLS (also implied by the settings below or tls://)
  std::string tls_ca;           // CA certificates to trust (PEM file)
  std::string tls_cert, tls_key;  // a client certificate and its key (PEM files)
};

struct NodeOptions {
  std::string name;      // 1-64 of [A-Za-z0-9_-]: a NATS subject token and a pid prefix
  std::string nats_url;  // "nats://127.0.0.1:4222"
  NatsSecurity security{};
  CodecLimits limits{};  // of one message's payload
  std::chrono::milliseconds heartbeat_interval{1000};
  std::chrono::milliseconds node_timeout{3000};  // silence after which a node is down
  std::chrono::milliseconds request_timeout{5000};  // a remote spawn's or a name lookup's answer
  // May another node spawn `entry_id` here? "" yes, else why not. Unset: no remote spawns.
  std::function<std::string(const std::string& entry_id)> spawn_check{};
};

struct NodeStats {
  uint64_t sent = 0;        // envelopes published
  uint64_t delivered = 0;   // received and queued in a local inbox
  uint64_t dropped = 0;     // received but not deliverable (bad bytes, no such process, mailbox full)
};

class Node : public procs::RemoteRouter {
 public:
  // Names the system's node (before any of its hosts exist), connects to NATS,
  // subscribes, and becomes the system's remote router. Throws std::invalid_argument
  // for a bad name, std::runtime_error naming the URL when NATS cannot be reached.
  static std::shared_ptr<Node> join(procs::System& system, NodeOptions options);
  ~Node() override;  // leave()

  // Stops routing: unsubscribes (waiting for a delivery in progress), closes the
  // connection. Later sends to other nodes fail with "no route to node X".
  void leave();
  // Drops out as a crashed node would: no goodbye, no more heartbeats (for tests of
  // the node-down path). Then as leave().
  void vanish();

  procs::SendResult send(const procs::Pid& from, const procs::Pid& to, std::string topic,
                         procs::Value payload) override;
  void monitor(const procs::Pid& watcher, const procs::Pid& target) override;
  void demonitor(const procs::Pid& watcher, const procs::Pid& target) override;
  bool deliver_event(const procs::Pid& to, procs::Event ev) override;
  procs::SpawnResult spawn(const std::string& node, const std::string& host, const std::string& entry_id,
                           std::vector<procs::Value> args, const procs::SpawnOptions& opts) override;
  void link(const procs::Pid& local, const procs::Pid& remote) override;
  void unlink(const procs::Pid& local, const procs::Pid& remote) override;
  void cancel(const procs::Pid& from, const procs::Pid& target, procs::Value reason) override;
  std::optional<procs::Pid> lookup(const std::string& name) override;

  const std::string& name() const { return opts_.name; }
  NodeStats stats() const;
  // The last reason a received message was dropped ("" if none).
  std::string last_drop() const;

  static std::string subject_of(std::string_view node) { return "wippy.node." + std::string(node); }
  // Throws std::invalid_argument unless `name` is a valid node name.
  static void check_name(std::string_view name);

  Node(procs::System& system, NodeOptions options);  // use join()

 private:
  static void on_message(__natsConnection*, __natsSubscription*, __natsMsg* msg, void* self);
  static void on_heartbeat(__natsConnection*, __natsSubscription*, __natsMsg* msg, void* self);
  static void on_complete(void* self);
  static void on_name_request(__natsConnection*, __natsSubscription*, __natsMsg* msg, void* self);
  using Handler = void (*)(__natsConnection*, __natsSubscription*, __natsMsg*, void*);
  __natsSubscription* subscribe(const std::string& subject, Handler handler);  // conn_mu_ held
  void receive(std::string_view bytes, const char* reply);
  void serve_spawn(const procs::Value::Array& env, const char* reply);
  void receive_link(int64_t kind, const procs::Pid& remote, const procs::Pid& local);
  // A spawn of `parent`'s is waiting for its answer: an end of (parent, child)
  // reported meanwhile is remembered, so the answer adds no watch or link for it.
  void note_ended(const procs::Pid& local, const procs::Pid& remote);  // mu_ held
  void track_link(const procs::Pid& local, const procs::Pid& remote);
  bool untrack_link(const procs::Pid& local, const procs::Pid& remote);
  // Subscribes to or unsubscribes from `name`'s lookup subject to match the system's names.
  void sync_name(const std::string& name);
  static std::string name_subject(std::string_view name);
  void drop(std::string why);
  std::string publish(const std::string& subject, std::string_view bytes);  // "" or the error
  std::string publish_locked(const std::string& subject, std::string_view bytes);  // conn_mu_ held
  std::string publish_envelope(std::string_view node, procs::Value envelope);
  void heartbeat_loop();
  void node_down(const std::string& node);
  // Whether an EXIT from `target` is for a monitor `watcher` holds (taking it) or for
  // the child of a spawn `watcher` is still waiting on; false after "node down", a
  // demonitor, or never.
  bool take_exit(const procs::Pid& watcher, const std::optional<procs::Pid>& target);
  void stop(bool goodbye);

  procs::System& system_;
  NodeOptions opts_;
  __natsConnection* conn_ = nullptr;
  std::vector<__natsSubscription*> subs_;  // every subscription made, until stop()
  size_t unsubscribed_ = 0;               // under mu_: subscriptions ended (waited for by stop())
  std::mutex stop_mu_;                 // one stop() at a time
  mutable std::shared_mutex conn_mu_;  // conn_ lifetime: publishes share it, stop() owns it to close
  mutable std::mutex mu_;              // everything below up to heartbeat_
  std::condition_variable sub_done_cv_;
  size_t subs_done_ = 0;
  std::string last_drop_;
  // Remote processes watched from here, by node: (watcher, target).
  std::map<std::string, std::set<std::pair<procs::Pid, procs::Pid>>> watches_;
  // Links of local processes with remote ones, by node: (local, remote).
  std::map<std::string, std::set<std::pair<procs::Pid, procs::Pid>>> links_;
  std::map<procs::Pid, int> spawning_;                  // parent -> spawns awaiting their answer
  std::set<std::pair<procs::Pid, procs::Pid>> ended_;   // (parent, child) ended before the answer
  std::mutex names_mu_;                                 // one sync_name at a time
  std::map<std::string, __natsSubscription*> name_subs_;  // under names_mu_
  std::map<std::string, std::chrono::steady_clock::time_point> last_heard_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread heartbeat_;
  std::atomic<uint64_t> sent_{0}, delivered_{0}, dropped_{0};
};

// Frees the NATS client library (its threads and memory) if a node ever connected:
// call once at program exit, after every Node has left.
void close_nats_library();

}  // namespace wippy::cluster

// Node: joining and leaving, the envelopes of remote sends, monitors, links, cancels
// and events, heartbeats and node-down, and inbound delivery.
#include "cluster/node.h"

#include <stdexcept>

#include "cluster/envelope.h"
#include "cluster/nats_connect.h"

namespace wippy::cluster {

using procs::Event;
using procs::EventKind;
using procs::Pid;
using procs::SendResult;
using procs::Value;
using namespace envelope;

namespace {

// Heartbeats on wippy.heartbeat.<node>: one byte, alive or leaving.
constexpr char kAlive = 'H', kLeaving = 'L';
const std::string kHeartbeatPrefix = "wippy.heartbeat.";

}  // namespace

void Node::check_name(std::string_view name) {
  bool ok = !name.empty() && name.size() <= 64;
  for (char c : name)
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-');
  if (!ok)
    throw std::invalid_argument("bad node name '" + std::string(name) +
                                "': use 1-64 letters, digits, '_' or '-'");
}

Node::Node(procs::System& system, NodeOptions options) : system_(system), opts_(std::move(options)) {}

natsSubscription* Node::subscribe(const std::string& subject, Handler handler) {
  natsSubscription* sub = nullptr;
  natsStatus s = natsConnection_Subscribe(&sub, conn_, subject.c_str(), handler, this);
  if (s == NATS_OK) {
    subs_.push_back(sub);
    s = natsSubscription_SetOnCompleteCB(sub, &Node::on_complete, this);
  }
  if (s != NATS_OK)
    throw std::runtime_error("cannot subscribe to " + subject + " at " + opts_.nats_url + ": " + nats_error(s));
  return sub;
}

std::shared_ptr<Node> Node::join(procs::System& system, NodeOptions options) {
  check_name(options.name);
  if (!system.host_names().empty())
    throw std::logic_error("node " + options.name + " must join before the system has hosts");
  if (options.nats_url.empty()) throw std::invalid_argument("node " + options.name + ": no NATS URL");
  auto node = std::make_shared<Node>(system, std::move(options));
  const NodeOptions& o = node->opts_;
  node->conn_ = connect_nats(o.nats_url, "wippy node " + o.name, o.security);
  try {
    std::shared_lock lk(node->conn_mu_);
    node->subscribe(subject_of(o.name), &Node::on_message);
    node->subscribe(kHeartbeatPrefix + "*", &Node::on_heartbeat);
    // The subscriptions are known to the server before join returns: a message sent
    // to this node afterwards is not lost to a race.
    if (natsStatus f = natsConnection_Flush(node->conn_); f != NATS_OK)
      throw std::runtime_error("cannot reach NATS at " + o.nats_url + ": " + nats_error(f));
  } catch (...) {
    node->leave();
    throw;
  }
  node->heartbeat_ = std::thread([raw = node.get()] { raw->heartbeat_loop(); });
  system.set_node(o.name);
  system.set_remote_router(node);
  std::weak_ptr<Node> weak = node;
  system.names().set_listener([weak](const std::string& name) {
    if (std::shared_ptr<Node> n = weak.lock()) n->sync_name(name);
  });
  return node;
}

Node::~Node() { leave(); }

void Node::leave() { stop(true); }
void Node::vanish() { stop(false); }

void Node::stop(bool goodbye) {
  std::lock_guard once(stop_mu_);
  {
    std::lock_guard lk(mu_);
    stopping_ = true;
    stop_cv_.notify_all();
  }
  if (heartbeat_.joinable()) heartbeat_.join();
  {
    std::shared_lock lk(conn_mu_);
    if (!conn_) return;
    if (goodbye) {
      publish_locked(kHeartbeatPrefix + opts_.name, std::string_view(&kLeaving, 1));
      natsConnection_FlushTimeout(conn_, 1000);
    }
  }
  // No delivery may touch this node once stop returns: wait for the last ones. A
  // delivery may still publish (an EXIT back), so the connection stays open meanwhile.
  {
    std::lock_guard nl(names_mu_);
    name_subs_.clear();  // their subscriptions are among subs_
    for (natsSubscription* sub : subs_)
      if (natsSubscription_Unsubscribe(sub) == NATS_OK) {
        std::lock_guard lk(mu_);
        unsubscribed_++;
      }
  }
  {
    std::unique_lock dl(mu_);
    sub_done_cv_.wait(dl, [&] { return subs_done_ >= unsubscribed_; });
  }
  std::unique_lock lk(conn_mu_);
  for (natsSubscription* sub : subs_) natsSubscription_Destroy(sub);
  subs_.clear();
  natsConnection_Close(conn_);
  natsConnection_Destroy(conn_);
  conn_ = nullptr;
}

void Node::on_complete(void* self) {
  auto* node = static_cast<Node*>(self);
  std::lock_guard lk(node->mu_);
  node->subs_done_++;
  node->sub_done_cv_.notify_all();
}

std::string Node::publish(const std::string& subject, std::string_view bytes) {
  std::shared_lock lk(conn_mu_);
  return publish_locked(subject, bytes);
}

std::string Node::publish_locked(const std::string& subject, std::string_view bytes) {
  if (!conn_) return "node " + opts_.name + " left the cluster";
  int64_t max = natsConnection_GetMaxPayload(conn_);
  if (max > 0 && static_cast<int64_t>(bytes.size()) > max)
    return "message too large for NATS: " + std::to_string(bytes.size()) + " bytes (server max_payload " +
           std::to_string(max) + ")";
  natsStatus s = natsConnection_Publish(conn_, subject.c_str(), bytes.data(), static_cast<int>(bytes.size()));
  return s == NATS_OK ? std::string() : nats_error(s);
}

std::string Node::publish_envelope(std::string_view node, Value envelope) {
  std::string bytes;
  try {
    bytes = encode_value(envelope, limits_of(opts_.limits));
  } catch (const CodecError& e) {
    return e.what();
  }
  std::string err = publish(subject_of(node), bytes);
  if (err.empty()) sent_++;
  return err;
}

SendResult Node::send(const Pid& from, const Pid& to, std::string topic, Value payload) {
  std::string err = publish_envelope(
      to.node(), Value::Array{kSend, from.to_string(), to.to_string(), std::move(topic), std::move(payload)});
  if (err.empty()) return {};
  if (err.find("left the cluster") != std::string::npos)
    return {"no route to node " + std::string(to.node()) + ": " + err};
  return {err.rfind("value too", 0) == 0 || err.rfind("message too", 0) == 0
              ? err
              : "send to node " + std::string(to.node()) + " failed: " + err};
}

void Node::monitor(const Pid& watcher, const Pid& target) {
  std::string node(target.node());
  {
    std::lock_guard lk(mu_);
    watches_[node].insert({watcher, target});
    // The timeout runs from now for a node not heard from yet.
    last_heard_.try_emplace(node, std::chrono::steady_clock::now());
  }
  std::string err = publish_envelope(node, Value::Array{kMonitor, watcher.to_string(), target.to_string()});
  if (!err.empty()) {
    {
      std::lock_guard lk(mu_);
      watches_[node].erase({watcher, target});
    }
    system_.deliver_event(watcher, Event{EventKind::Exit, target, {}, "no route to node " + node + ": " + err, {},
                                         std::nullopt});
  }
}

void Node::demonitor(const Pid& watcher, const Pid& target) {
  std::string node(target.node());
  {
    std::lock_guard lk(mu_);
    if (auto it = watches_.find(node); it != watches_.end()) it->second.erase({watcher, target});
  }
  publish_envelope(node, Value::Array{kDemonitor, watcher.to_string(), target.to_string()});
}

void Node::track_link(const Pid& local, const Pid& remote) {
  std::lock_guard lk(mu_);
  std::string node(remote.node());
  links_[node].insert({local, remote});
  last_heard_.try_emplace(node, std::chrono::steady_clock::now());
}

bool Node::untrack_link(const Pid& local, const Pid& remote) {
  std::lock_guard lk(mu_);
  auto it = links_.find(std::string(remote.node()));
  return it != links_.end() && it->second.erase({local, remote}) > 0;
}

void Node::link(const Pid& local, const Pid& remote) {
  track_link(local, remote);
  std::string err = publish_envelope(remote.node(), Value::Array{kLink, local.to_string(), remote.to_string()});
  if (!err.empty() && untrack_link(local, remote)) {
    system_.remove_remote_link(local, remote);
    system_.deliver_event(local, Event{EventKind::LinkDown, remote, {},
                                       "no route to node " + std::string(remote.node()) + ": " + err, {},
                                       std::nullopt});
  }
}

void Node::unlink(const Pid& local, const Pid& remote) {
  untrack_link(local, remote);
  publish_envelope(remote.node(), Value::Array{kUnlink, local.to_string(), remote.to_string()});
}

void Node::cancel(const Pid& from, const Pid& target, Value reason) {
  publish_envelope(target.node(), Value::Array{kCancel, from.to_string(), target.to_string(), std::move(reason)});
}

bool Node::deliver_event(const Pid& to, Event ev) {
  // A local process that ended and told a linked remote one: the link is over.
  if (ev.kind == EventKind::LinkDown) untrack_link(ev.from, to);
  Value error = ev.error ? Value(*ev.error) : Value();
  return publish_envelope(to.node(), Value::Array{kEvent, to.to_string(), static_cast<int64_t>(ev.kind),
                                                  ev.from.to_string(), std::move(ev.value), std::move(error)})
      .empty();
}

void Node::on_message(natsConnection*, natsSubscription*, natsMsg* msg, void* self) {
  static_cast<Node*>(self)->receive(std::string_view(natsMsg_GetData(msg), natsMsg_GetDataLength(msg)),
                                    natsMsg_GetReply(msg));
  natsMsg_Destroy(msg);
}

void Node::note_ended(const Pid& local, const Pid& remote) {
  if (spawning_.count(local)) ended_.insert({local, remote});
}

void Node::receive(std::string_view bytes, const char* reply) {
  Value env;
  try {
    env = decode_value(bytes, limits_of(opts_.limits));
  } catch (const CodecError& e) {
    return drop(e.what());
  }
  const Value::Array* a = env.is_array() ? &env.as_array() : nullptr;
  auto pid_at = [&](size_t i) -> std::optional<Pid> {
    return i < a->size() && (*a)[i].is_string() ? Pid::parse((*a)[i].as_string()) : std::nullopt;
  };
  int64_t kind = a && !a->empty() && (*a)[0].is_int() ? (*a)[0].as_int() : 0;
  static constexpr size_t kSizes[] = {0, 5, 3, 3, 6, 6, 3, 3, 4};
  size_t want = kind >= kSend && kind <= kCancel ? kSizes[kind] : 0;
  if (!want || a->size() != want) return drop("not an envelope: " + env.to_string(200));
  if (kind == kSpawn) return serve_spawn(*a, reply);
  std::optional<Pid> p1 = pid_at(1), p2 = pid_at(2);
  // The local pid: the receiver of a message, the target of the rest, the event's addressee.
  std::optional<Pid> local = kind == kEvent ? p1 : p2;
  bool from_optional = kind == kCancel || kind == kSend;  // "{}": from outside any process
  if (!local || (kind != kEvent && !p1 && !(from_optional && (*a)[1] == Value("{}"))) ||
      (kind == kEvent && !(*a)[3].is_string()))
    return drop("bad pid in envelope: " + env.to_string(200));
  if (local->node() != opts_.name) return drop("envelope for " + local->to_string() + " reached node " + opts_.name);
  switch (kind) {
    case kSend: {
      if (!(*a)[3].is_string()) return drop("bad topic in envelope: " + env.to_string(200));
      SendResult r = system_.try_send(p1.value_or(Pid{}), *p2, (*a)[3].as_string(), (*a)[4]);
      if (!r) return drop("to " + p2->to_string() + ": " + r.error);
      break;
    }
    case kMonitor: system_.monitor(*p1, *p2); break;  // EXIT (now, if it is gone) goes back as kEvent
    case kDemonitor: system_.demonitor(*p1, *p2); break;
    case kLink:
    case kUnlink: receive_link(kind, *p1, *p2); break;
    case kCancel:
      if (!system_.cancel(p1.value_or(Pid{}), *p2, (*a)[3])) return drop("cancel of " + p2->to_string() + ": no such process");
      break;
    case kEvent: {
      int64_t ek = (*a)[2].is_int() ? (*a)[2].as_int() : -1;
      std::optional<Pid> from = Pid::parse((*a)[3].as_string());
      if (ek < 0 || ek > static_cast<int64_t>(EventKind::Cancel) || !(from || (*a)[3].as_string() == "{}") ||
          !((*a)[5].is_nil() || (*a)[5].is_string()))
        return drop("bad event envelope: " + env.to_string(200));
      Event ev{static_cast<EventKind>(ek), from.value_or(Pid{}), (*a)[4], std::nullopt, {}, std::nullopt};
      if ((*a)[5].is_string()) ev.error = (*a)[5].as_string();
      if (ev.kind == EventKind::Exit && !take_exit(*p1, from))
        return drop("EXIT from " + (*a)[3].as_string() + " for " + p1->to_string() + ", which no longer watches it");
      if (ev.kind == EventKind::LinkDown && from) {
        untrack_link(*p1, *from);
        system_.remove_remote_link(*p1, *from);
        std::lock_guard lk(mu_);
        note_ended(*p1, *from);
      }
      if (!system_.deliver_event(*p1, std::move(ev))) return drop("event to " + p1->to_string() + ": no such process");
      break;
    }
  }
  delivered_++;
}

void Node::receive_link(int64_t kind, const Pid& remote, const Pid& local) {
  if (kind == kUnlink) {
    untrack_link(local, remote);
    system_.remove_remote_link(local, remote);
    std::lock_guard lk(mu_);
    note_ended(local, remote);
    return;
  }
  if (system_.add_remote_link(local, remote)) return track_link(local, remote);
  // Linking a dead process: the linker gets LINK_DOWN at once, as in Erlang.
  deliver_event(remote, Event{EventKind::LinkDown, local, {}, std::string(procs::kErrNoProcess), {}, std::nullopt});
}

bool Node::take_exit(const Pid& watcher, const std::optional<Pid>& target) {
  if (!target) return false;
  // One step under mu_ with a spawn finishing on another thread: either its watch is
  // in place (taken here: one EXIT per monitor), or the spawn still waits for its
  // answer and learns that the child already ended (then it sets no watch).
  std::lock_guard lk(mu_);
  auto it = watches_.find(std::string(target->node()));
  if (it != watches_.end() && it->second.erase({watcher, *target}) > 0) return true;
  if (!spawning_.count(watcher)) return false;
  note_ended(watcher, *target);
  return true;
}

void Node::on_heartbeat(natsConnection*, natsSubscription*, natsMsg* msg, void* self) {
  auto* node = static_cast<Node*>(self);
  std::string_view subject = natsMsg_GetSubject(msg);
  std::string from(subject.substr(std::min(subject.size(), kHeartbeatPrefix.size())));
  bool leaving = natsMsg_GetDataLength(msg) == 1 && natsMsg_GetData(msg)[0] == kLeaving;
  natsMsg_Destroy(msg);
  if (from == node->opts_.name) return;
  if (leaving) return node->node_down(from);
  std::lock_guard lk(node->mu_);
  node->last_heard_[from] = std::chrono::steady_clock::now();
}

void Node::heartbeat_loop() {
  std::unique_lock lk(mu_);
  while (!stopping_) {
    lk.unlock();
    publish(kHeartbeatPrefix + opts_.name, std::string_view(&kAlive, 1));
    lk.lock();
    auto now = std::chrono::steady_clock::now();
    std::set<std::string> down;
    for (const auto* by_node : {&watches_, &links_})
      for (const auto& [node, pairs] : *by_node)
        if (!pairs.empty() && now - last_heard_[node] > opts_.node_timeout) down.insert(node);
    lk.unlock();
    for (const std::string& n : down) node_down(n);
    lk.lock();
    stop_cv_.wait_for(lk, opts_.heartbeat_interval, [&] { return stopping_; });
  }
}

void Node::node_down(const std::string& node) {
  std::set<std::pair<Pid, Pid>> watched, linked;
  {
    std::lock_guard lk(mu_);
    if (auto it = watches_.find(node); it != watches_.end()) watched.swap(it->second);
    if (auto it = links_.find(node); it != links_.end()) linked.swap(it->second);
    last_heard_.erase(node);
  }
  std::string why = "node down: " + node;
  for (const auto& [watcher, target] : watched)
    system_.deliver_event(watcher, Event{EventKind::Exit, target, {}, why, {}, std::nullopt});
  for (const auto& [local, remote] : linked)
    if (system_.remove_remote_link(local, remote))
      system_.deliver_event(local, Event{EventKind::LinkDown, remote, {}, why, {}, std::nullopt});
}

void Node::drop(std::string why) {
  dropped_++;
  std::lock_guard lk(mu_);
  last_drop_ = std::move(why);
}

NodeStats Node::stats() const { return {sent_.load(), delivered_.load(), dropped_.load()}; }

std::string Node::last_drop() const {
  std::lock_guard lk(mu_);
  return last_drop_;
}

}  // namespace wippy::cluster

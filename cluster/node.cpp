// Node: the NATS connection, the envelope of a remote send, and inbound delivery.
#include "cluster/node.h"

#include <nats/nats.h>

#include <stdexcept>

namespace wippy::cluster {

using procs::Pid;
using procs::SendResult;
using procs::Value;

namespace {

// A send crosses nodes as one encoded array: [kind, from, to, topic, payload].
constexpr int64_t kKindSend = 1;

std::string nats_error(natsStatus s) {
  const char* last = nats_GetLastError(nullptr);
  return std::string(natsStatus_GetText(s)) + (last && *last ? std::string(": ") + last : std::string());
}

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

std::shared_ptr<Node> Node::join(procs::System& system, NodeOptions options) {
  check_name(options.name);
  if (!system.host_names().empty())
    throw std::logic_error("node " + options.name + " must join before the system has hosts");
  if (options.nats_url.empty()) throw std::invalid_argument("node " + options.name + ": no NATS URL");
  auto node = std::make_shared<Node>(system, std::move(options));
  const NodeOptions& o = node->opts_;
  natsOptions* nopts = nullptr;
  natsStatus s = natsOptions_Create(&nopts);
  if (s == NATS_OK) s = natsOptions_SetURL(nopts, o.nats_url.c_str());
  if (s == NATS_OK) s = natsOptions_SetName(nopts, ("wippy node " + o.name).c_str());
  // Keep reconnecting while the server is away; sends meanwhile wait in the
  // client's reconnect buffer (lost, not duplicated, if it overflows).
  if (s == NATS_OK) s = natsOptions_SetMaxReconnect(nopts, -1);
  if (s == NATS_OK) s = natsConnection_Connect(&node->conn_, nopts);
  natsOptions_Destroy(nopts);
  if (s != NATS_OK) throw std::runtime_error("cannot connect to NATS at " + o.nats_url + ": " + nats_error(s));
  std::string subject = subject_of(o.name);
  s = natsConnection_Subscribe(&node->sub_, node->conn_, subject.c_str(), &Node::on_message, node.get());
  if (s == NATS_OK) s = natsSubscription_SetOnCompleteCB(node->sub_, &Node::on_complete, node.get());
  // The subscription is known to the server before join returns: a message sent to
  // this node afterwards is not lost to a race.
  if (s == NATS_OK) s = natsConnection_Flush(node->conn_);
  if (s != NATS_OK) {
    std::string err = nats_error(s);
    node->leave();
    throw std::runtime_error("cannot subscribe to " + subject + " at " + o.nats_url + ": " + err);
  }
  system.set_node(o.name);
  system.set_remote_router(node);
  return node;
}

Node::~Node() { leave(); }

void Node::leave() {
  std::unique_lock lk(conn_mu_);
  if (!conn_) return;
  if (sub_) {
    // No delivery may touch this node once leave returns: wait for the last one.
    bool with_callback = natsSubscription_Unsubscribe(sub_) == NATS_OK;
    if (with_callback) {
      std::unique_lock dl(mu_);
      sub_done_cv_.wait(dl, [&] { return sub_done_; });
    }
    natsSubscription_Destroy(sub_);
    sub_ = nullptr;
  }
  natsConnection_Close(conn_);
  natsConnection_Destroy(conn_);
  conn_ = nullptr;
}

void Node::on_complete(void* self) {
  auto* node = static_cast<Node*>(self);
  std::lock_guard lk(node->mu_);
  node->sub_done_ = true;
  node->sub_done_cv_.notify_all();
}

SendResult Node::send(const Pid& from, const Pid& to, std::string topic, Value payload) {
  std::string bytes;
  try {
    CodecLimits envelope = opts_.limits;
    envelope.max_depth += 1;  // the envelope array around the payload
    bytes = encode_value(Value::Array{kKindSend, from.to_string(), to.to_string(), std::move(topic),
                                      std::move(payload)},
                         envelope);
  } catch (const CodecError& e) {
    return {e.what()};
  }
  std::shared_lock lk(conn_mu_);
  if (!conn_) return {"no route to node " + std::string(to.node()) + ": node " + opts_.name + " left the cluster"};
  int64_t max = natsConnection_GetMaxPayload(conn_);
  if (max > 0 && static_cast<int64_t>(bytes.size()) > max)
    return {"message too large for NATS: " + std::to_string(bytes.size()) + " bytes (server max_payload " +
            std::to_string(max) + ")"};
  std::string subject = subject_of(to.node());
  natsStatus s = natsConnection_Publish(conn_, subject.c_str(), bytes.data(), static_cast<int>(bytes.size()));
  if (s != NATS_OK) return {"send to node " + std::string(to.node()) + " failed: " + nats_error(s)};
  sent_++;
  return {};
}

void Node::on_message(natsConnection*, natsSubscription*, natsMsg* msg, void* self) {
  static_cast<Node*>(self)->receive(std::string_view(natsMsg_GetData(msg), natsMsg_GetDataLength(msg)));
  natsMsg_Destroy(msg);
}

void Node::receive(std::string_view bytes) {
  Value env;
  try {
    CodecLimits envelope = opts_.limits;
    envelope.max_depth += 1;
    env = decode_value(bytes, envelope);
  } catch (const CodecError& e) {
    return drop(e.what());
  }
  const Value::Array* a = env.is_array() ? &env.as_array() : nullptr;
  if (!a || a->size() != 5 || !(*a)[0].is_int() || (*a)[0].as_int() != kKindSend || !(*a)[1].is_string() ||
      !(*a)[2].is_string() || !(*a)[3].is_string())
    return drop("not a send envelope: " + env.to_string(200));
  std::optional<Pid> from = Pid::parse((*a)[1].as_string()), to = Pid::parse((*a)[2].as_string());
  if (!from || !to) return drop("bad pid in envelope: " + env.to_string(200));
  if (to->node() != opts_.name) return drop("message for " + to->to_string() + " reached node " + opts_.name);
  SendResult r = system_.try_send(*from, *to, (*a)[3].as_string(), (*a)[4]);
  if (!r) return drop("to " + to->to_string() + ": " + r.error);
  delivered_++;
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

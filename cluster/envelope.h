// The envelopes nodes publish on each other's subjects: encoded arrays whose first
// element is the kind. Shared by the node's parts (sends, spawns, names).
#pragma once

#include <cstdint>

#include "cluster/value_codec.h"

namespace wippy::cluster::envelope {

//   [1, from, to, topic, payload]               a message
//   [2, watcher, target] / [3, watcher, target]  monitor / demonitor a local target
//   [4, to, event kind, from, value, error]     an event (EXIT, LINK_DOWN, CANCEL); error nil or a string
//   [5, parent, host, entry, args, flags]       spawn (a request: the answer goes to its reply
//                                               subject as [pid] or [nil, error]); flags: 1
//                                               monitor, 2 link, 4 the child traps links
//   [6, from, to] / [7, from, to]               link / unlink local `to` with remote `from`
//   [8, from, to, reason]                       cancel local `to`
constexpr int64_t kSend = 1, kMonitor = 2, kDemonitor = 3, kEvent = 4, kSpawn = 5, kLink = 6, kUnlink = 7,
                  kCancel = 8;
constexpr int64_t kSpawnMonitor = 1, kSpawnLink = 2, kSpawnTrapLinks = 4;

inline CodecLimits limits_of(CodecLimits payload) {
  payload.max_depth += 2;  // the envelope array (and a spawn's args array) around the payload
  return payload;
}

}  // namespace wippy::cluster::envelope

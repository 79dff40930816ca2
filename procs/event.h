// What a process receives: messages (in its inbox) and system events (in its
// event queue).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "procs/pid.h"
#include "procs/value.h"

namespace wippy::procs {

struct Message {
  Pid from;           // invalid when sent from outside any process
  std::string topic;  // "" when the sender gave none
  Value payload;
};

enum class EventKind : uint8_t {
  Exit,      // a monitored process ended: value or error
  LinkDown,  // a linked process ended abnormally (error, trap, limit, terminate)
  Cancel,    // someone asked this process to stop (it is terminated after the stop timeout)
};

// "pid.exit", "pid.link.down", "pid.cancel" (Lua's event.kind).
const char* event_kind_name(EventKind k);
// "EXIT", "LINK_DOWN", "CANCEL" (Lua's event.type).
const char* event_type_name(EventKind k);

struct Event {
  EventKind kind = EventKind::Exit;
  Pid from;                          // the process that ended / the canceller (may be invalid)
  Value value;                       // Exit: the result value (nil on error); Cancel: the reason
  std::optional<std::string> error;  // Exit / LinkDown: why it ended abnormally
  // Exit only, for a command line to report; the error text stays the short message.
  std::string backtrace;              // a WASM trap: one line per frame, innermost first
  std::optional<uint32_t> exit_code;  // a WASI command that called proc_exit(N), N != 0

  std::string to_string() const;  // debug text
};

// Error texts the system itself produces in Exit / LinkDown events.
inline constexpr const char* kErrTerminated = "terminated";
inline constexpr const char* kErrNoProcess = "no such process";

}  // namespace wippy::procs

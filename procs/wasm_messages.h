// Messages for WASM processes: the `wippy:runtime/process` imports of a core module,
// so that a WASM process can be a long-lived server that Lua (or anyone) talks to.
//
//   self(buf, cap) -> len                 this process's pid ("{host|N}")
//   send(pid, pid_len, topic, topic_len, data, data_len) -> 0 | 1 no such process
//                                         (or not a pid) | 2 mailbox full
//   receive(timeout_ns i64, buf, cap) -> len | -1 (timeout) | -2 (cancelled: time to
//                                         end; the host terminates it after its stop timeout)
//                                         the next message's payload (a string as its
//                                         bytes, another value as its text); waits (the
//                                         process suspends, no thread is held) up to
//                                         timeout_ns, for ever if negative. A payload
//                                         longer than cap is not copied: its length is
//                                         returned and the message stays next.
//   last_from(buf, cap) -> len, last_topic(buf, cap) -> len   of the last received message
//   register(name, name_len) -> 0 | 1 (the name is taken)   as process.registry.register
//
// Lengths longer than cap mean nothing (or only part) was copied; a range outside
// memory traps.
#pragma once

#include "engine/engine.h"
#include "procs/wasm_process.h"

namespace wippy::procs {

inline constexpr const char* kProcessImportModule = "wippy:runtime/process";

// Defines the functions in `imports.linker` (their state goes into keep_alive).
void add_process_imports(WasmImports& imports);

}  // namespace wippy::procs

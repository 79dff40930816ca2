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
//
// Components import `wippy:runtime/process@0.1.x` (procs/tests/components/messages.wit):
//   self: func() -> string;
//   send: func(to: string, topic: string, payload: list<u8>) -> result<_, send-error>;
//   receive: func(timeout-ns: s64) -> result<message, receive-error>;   waits as above
//   register: func(name: string) -> bool;
// with record message { sender, topic: string, payload: list<u8> }, enum send-error
// { no-such-process, mailbox-full } and enum receive-error { timeout, cancelled,
// too-large } (a payload over component::kMaxLiftedBytes / sizeof(component::Value)
// bytes is taken from the mailbox and refused).
#pragma once

#include <functional>
#include <memory>

#include "engine/engine.h"
#include "procs/async_op.h"
#include "procs/wasm_process.h"

namespace wippy::procs {

inline constexpr const char* kProcessImportModule = "wippy:runtime/process";

// Defines the functions: for a component, under each wippy:runtime/process@0.1.x it
// imports (another version: component::LinkError); for a core module, in
// `imports.linker` (their state goes into keep_alive).
void add_process_imports(WasmImports& imports, const component::Component* component = nullptr);
void add_component_process_imports(component::Linker& linker, const component::Component& c);

// What receive suspends on: completes at the first message, cancel or after
// timeout_ns (never if negative); `deliver` then runs on the process's thread.
std::unique_ptr<AsyncOp> wait_for_message(int64_t timeout_ns, std::function<void(AsyncResult&)> deliver);

}  // namespace wippy::procs

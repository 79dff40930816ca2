// The WASI 0.2 host for components: wasi:cli, wasi:io, wasi:clocks, wasi:filesystem
// and wasi:random as component host functions, on the same WasiContext as preview1
// (arguments, environment, standard streams, mounts with the same sandbox, clocks,
// randomness) and with the same fuel per byte of host work.
//
// Interfaces are accepted at any 0.2.x version: add_p2_to_linker defines each one
// under the exact name the component imports. Resources (descriptor, input-stream,
// output-stream, pollable, directory-entry-stream, error) are host resources held in
// per-instance tables; the guest dropping its handle frees them.
//
// Calls that wait suspend: the core execution of the component::Call returns
// RunStatus::Suspended with a wasi::BlockingOp (pending.h) whose finish() returns the
// result cells for Execution::resume (component/instance.h, HostReply, explains how
// the result Values are lowered then). pollable.block, poll, blocking-read of a
// blocking stdin or of a pipe, and file reads and writes of at least
// WasiContext::io_suspend_threshold bytes suspend this way; wasi:cli/exit suspends
// with a wasi::ExitRequest that is never resumed. wasi::drive() (command.h) runs them
// all inline.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "component/component.h"
#include "component/instance.h"
#include "wasi/command.h"
#include "wasi/context.h"
#include "wasi/groups.h"

namespace wippy::wasi {

// The import group that provides the WASI 0.2 interface `iface` (with or without
// `@version`), or nullopt for an interface no group provides (wasi:sockets,
// wasi:http, unknown ones).
std::optional<Group> p2_group_of(std::string_view iface);

// Checks a component's `wasi:*` imports against the enabled groups; throws
// component::LinkError for the first one that is refused:
//   `import wasi:filesystem/types@0.2.0 needs the import group wasi:filesystem`
//   `import wasi:sockets/tcp@0.2.0: no import group of this host provides this interface`
//   `import wasi:cli/environment@0.3.0: only WASI 0.2.x interfaces are supported`
// Imports outside `wasi:` are left to whoever links them.
void check_p2_imports(const component::Component& component, GroupMask enabled);

// Checks the imports (check_p2_imports), then defines every function and resource
// of the component's `wasi:*` imports in `linker`. `ctx` must outlive the instance;
// the handle tables live as long as the functions defined (the linker's copies and
// the instance's).
void add_p2_to_linker(component::Linker& linker, const component::Component& component, WasiContext& ctx,
                      GroupMask enabled = kAllGroups);

// Runs `wasi:cli/run#run` to its end with drive(): Exited with 0 when it returns
// ok, 1 when it returns err, the code of wasi:cli/exit; Trapped with the trap.
// Throws component::CallError if the component is no command.
RunOutcome run_p2_command(component::ComponentInstance& instance, int64_t slice = INT64_MAX);

}  // namespace wippy::wasi

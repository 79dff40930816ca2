// LuaProcess: the state, the coroutine, the preemption hook and the C primitives
// that the modules of prelude.cpp are built on.
//
// Lua errors unwind with longjmp, which skips C++ destructors. So a primitive never
// raises a Lua error while C++ objects are alive: its body (guarded) reports problems
// by throwing, and the Lua error is raised after the body has unwound.
#include "lua/lua_process.h"

#include <lua.hpp>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>

#include "log/log.h"
#include "lua/convert.h"
#include "lua/prelude.h"
#include "lua/sandbox.h"
#include "procs/duration.h"

namespace wippy::lua {

using procs::StepResult;
using procs::Value;

struct LuaProcess::Call {
  std::mutex mu;
  bool done = false;
  Value value;
  std::optional<std::string> error;
  procs::Pid pid;
};

namespace {

// The yield marker of wait() (a light userdata; its address is unique).
const char kMark = 0;

LuaProcess* self_of(lua_State* L) { return *static_cast<LuaProcess**>(lua_getextraspace(L)); }

template <class F>
int guarded(lua_State* L, F&& body) {
  try {
    return body();
  } catch (const std::exception& e) {
    lua_pushstring(L, e.what());
  }
  return lua_error(L);
}

std::string arg_string(lua_State* L, int idx, const char* fn, const char* what) {
  if (lua_type(L, idx) != LUA_TSTRING) {
    throw std::runtime_error(std::string(fn) + ": " + what + " must be a string, got " + luaL_typename(L, idx));
  }
  size_t len = 0;
  const char* s = lua_tolstring(L, idx, &len);
  return std::string(s, len);
}

// A pid ("{host|N}") or a name registered with process.registry.register; nullopt
// with `error` set for a name nobody holds.
std::optional<procs::Pid> arg_target(lua_State* L, int idx, const char* fn, std::string& error) {
  std::string text = arg_string(L, idx, fn, "pid");
  if (std::optional<procs::Pid> pid = procs::Pid::parse(text)) return pid;
  if (std::optional<procs::Pid> named = self_of(L)->ctx().system().lookup_name(text)) return named;
  error = text.starts_with("{") ? "invalid pid \"" + text + "\" (expected {host|N})"
                                : "no process is registered as \"" + text + "\"";
  return std::nullopt;
}

// The limits of a message sent by the process of `L`.
procs::MessageLimits message_limits(lua_State* L) { return self_of(L)->ctx().host().options().message_limits; }

std::vector<Value> args_from(lua_State* L, int first) {
  std::vector<Value> out;
  ValueReader reader(L, message_limits(L));  // all the arguments are one message
  int top = lua_gettop(L);
  for (int i = first; i <= top; ++i) out.push_back(reader.read(i, "args[" + std::to_string(i - first + 1) + "]"));
  return out;
}

int push_bool_result(lua_State* L, bool ok, const char* error) {
  lua_pushboolean(L, ok);
  if (ok) return 1;
  lua_pushstring(L, error);
  return 2;
}

int p_now_ns(lua_State* L) {
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(self_of(L)->ctx().now().time_since_epoch());
  lua_pushinteger(L, static_cast<lua_Integer>(ns.count()));
  return 1;
}

int p_wall(lua_State* L) {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(
      self_of(L)->ctx().loop().wall_now().time_since_epoch());
  lua_pushnumber(L, static_cast<lua_Number>(us.count()) / 1e6);
  return 1;
}

// Deterministic mode: math.random from the process's seed, and os.time, os.clock
// and os.date on the virtual clock (time.* reads it through p_now_ns and p_wall).
std::string use_virtual_sources(lua_State* L, uint64_t seed) {
  static const char* const kChunk = R"(
local seed, wall, now_ns = ...
math.randomseed(seed, 0)
local time, date, floor = os.time, os.date, math.floor
local start = now_ns()
os.time = function(t) if t == nil then return floor(wall()) end return time(t) end
os.clock = function() return (now_ns() - start) / 1e9 end
os.date = function(fmt, t) return date(fmt, t or floor(wall())) end
)";
  if (luaL_loadstring(L, kChunk) != LUA_OK) return lua_tostring(L, -1);
  lua_pushinteger(L, static_cast<lua_Integer>(seed));
  lua_pushcfunction(L, p_wall);
  lua_pushcfunction(L, p_now_ns);
  if (lua_pcall(L, 3, 0, 0) != LUA_OK) return std::string("deterministic mode: ") + lua_tostring(L, -1);
  return {};
}

int p_pid(lua_State* L) {
  return guarded(L, [&] {
    std::string pid = self_of(L)->ctx().pid().to_string();
    lua_pushlstring(L, pid.data(), pid.size());
    return 1;
  });
}

int p_take_event(lua_State* L) {
  return guarded(L, [&] {
    std::optional<procs::Event> ev = self_of(L)->ctx().take_event();
    if (ev) {
      push_event(L, *ev);
    } else {
      lua_pushnil(L);
    }
    return 1;
  });
}

int p_take_message(lua_State* L) {
  return guarded(L, [&] {
    std::optional<procs::Message> m = self_of(L)->ctx().take_message();
    if (m) {
      push_message(L, *m);
    } else {
      lua_pushnil(L);
    }
    return 1;
  });
}

int p_cancelled(lua_State* L) {
  lua_pushboolean(L, self_of(L)->ctx().cancelled());
  return 1;
}

// spawn(mode, id, host, args...): mode bit 0 = monitor, bit 1 = link, bit 2 = the
// child traps links.
int p_spawn(lua_State* L) {
  return guarded(L, [&] {
    procs::ProcessContext& ctx = self_of(L)->ctx();
    lua_Integer mode = lua_tointeger(L, 1);
    bool trap_links = (mode & 4) != 0;
    mode &= 3;
    const char* fn = mode == 1 ? "process.spawn_monitored" : mode == 2 ? "process.spawn_linked" : "process.spawn";
    std::string id = arg_string(L, 2, fn, "entry ID");
    std::string host = lua_isnoneornil(L, 3) ? std::string(ctx.pid().local_host()) : arg_string(L, 3, fn, "host");
    std::vector<Value> args = args_from(L, 4);
    std::string error;
    std::string pid;
    if (host.find('@') == std::string::npos && ctx.system().host(host) == nullptr) {  // "node@host": a node's
      error = "unknown host " + host + ": declare a process.host entry with that ID";
    } else {
      procs::SpawnOptions opts;
      opts.parent = ctx.pid();
      opts.monitor = (mode & 1) != 0;
      opts.link = (mode & 2) != 0;
      opts.trap_links = trap_links;
      procs::SpawnResult r = ctx.system().spawn(host, id, std::move(args), std::move(opts));
      if (r) {
        pid = r.pid.to_string();
      } else {
        error = r.error;
      }
    }
    if (error.empty()) {
      lua_pushlstring(L, pid.data(), pid.size());
      return 1;
    }
    lua_pushnil(L);
    lua_pushlstring(L, error.data(), error.size());
    return 2;
  });
}

int p_send(lua_State* L) {
  return guarded(L, [&] {
    procs::ProcessContext& ctx = self_of(L)->ctx();
    std::string error;
    std::optional<procs::Pid> to = arg_target(L, 1, "process.send", error);
    if (!to) return push_bool_result(L, false, error.c_str());
    std::string topic = lua_isnoneornil(L, 2) ? std::string() : arg_string(L, 2, "process.send", "topic");
    if (topic.starts_with("@")) throw std::runtime_error("process.send: topics starting with @ are reserved");
    Value payload = to_value(L, 3, message_limits(L), "payload");
    procs::SendResult sent = ctx.system().try_send(ctx.pid(), *to, std::move(topic), std::move(payload));
    return push_bool_result(L, sent.ok(), sent.error.c_str());
  });
}

template <bool (*Op)(procs::ProcessContext&, const procs::Pid&)>
int pid_op(lua_State* L, const char* fn) {
  return guarded(L, [&] {
    std::string error;
    std::optional<procs::Pid> target = arg_target(L, 1, fn, error);
    if (!target) return push_bool_result(L, false, error.c_str());
    return push_bool_result(L, Op(self_of(L)->ctx(), *target), "no such process");
  });
}

bool op_terminate(procs::ProcessContext& c, const procs::Pid& p) { return c.system().terminate(p); }
bool op_monitor(procs::ProcessContext& c, const procs::Pid& p) { return c.system().monitor(c.pid(), p); }
bool op_demonitor(procs::ProcessContext& c, const procs::Pid& p) { return c.system().demonitor(c.pid(), p); }
bool op_link(procs::ProcessContext& c, const procs::Pid& p) { return c.system().link(c.pid(), p); }
bool op_unlink(procs::ProcessContext& c, const procs::Pid& p) { return c.system().unlink(c.pid(), p); }

int p_terminate(lua_State* L) { return pid_op<op_terminate>(L, "process.terminate"); }
// cancel(pid, reason): the reason (any value) is the CANCEL event's `reason`.
int p_cancel(lua_State* L) {
  return guarded(L, [&] {
    std::string error;
    std::optional<procs::Pid> target = arg_target(L, 1, "process.cancel", error);
    if (!target) return push_bool_result(L, false, error.c_str());
    procs::ProcessContext& ctx = self_of(L)->ctx();
    return push_bool_result(L, ctx.system().cancel(ctx.pid(), *target, to_value(L, 2)), "no such process");
  });
}

// trap_links([on]): the current setting, after setting it when `on` is given.
int p_trap_links(lua_State* L) {
  procs::ProcessContext& ctx = self_of(L)->ctx();
  if (!lua_isnoneornil(L, 1)) ctx.set_trap_links(lua_toboolean(L, 1));
  lua_pushboolean(L, ctx.trap_links());
  return 1;
}

// register(name[, pid]) -> true | false, err; lookup(name) -> pid | nil, err;
// unregister(name) -> bool.
int p_register(lua_State* L) {
  return guarded(L, [&] {
    procs::ProcessContext& ctx = self_of(L)->ctx();
    std::string name = arg_string(L, 1, "process.registry.register", "name");
    procs::Pid pid = ctx.pid();
    if (!lua_isnoneornil(L, 2)) {
      std::string error;
      std::optional<procs::Pid> p = arg_target(L, 2, "process.registry.register", error);
      if (!p) return push_bool_result(L, false, error.c_str());
      if (ctx.system().is_remote(*p))  // the owning node answers lookups of its names
        return push_bool_result(L, false, "a name can only be registered on the node of its process");
      if (!ctx.system().alive(*p)) return push_bool_result(L, false, "no such process");
      pid = *p;
    }
    std::string error = ctx.system().register_name(name, pid);
    return push_bool_result(L, error.empty(), error.c_str());
  });
}

int p_lookup(lua_State* L) {
  return guarded(L, [&] {
    std::string name = arg_string(L, 1, "process.registry.lookup", "name");
    std::optional<procs::Pid> pid = self_of(L)->ctx().system().lookup_name(name);
    if (pid) {
      std::string text = pid->to_string();
      lua_pushlstring(L, text.data(), text.size());
      return 1;
    }
    lua_pushnil(L);
    std::string error = "no process is registered as \"" + name + "\"";
    lua_pushlstring(L, error.data(), error.size());
    return 2;
  });
}

int p_unregister(lua_State* L) {
  return guarded(L, [&] {
    std::string name = arg_string(L, 1, "process.registry.unregister", "name");
    lua_pushboolean(L, self_of(L)->ctx().system().names().remove(name, procs::Pid{}));
    return 1;
  });
}

// parse_duration(text) -> nanoseconds | nil, err (Go syntax, procs/duration.h).
int p_parse_duration(lua_State* L) {
  return guarded(L, [&] {
    std::string text = arg_string(L, 1, "time.parse_duration", "duration");
    std::string error;
    std::optional<int64_t> ns = procs::parse_duration(text, &error);
    if (ns) {
      lua_pushinteger(L, static_cast<lua_Integer>(*ns));
      return 1;
    }
    lua_pushnil(L);
    lua_pushlstring(L, error.data(), error.size());
    return 2;
  });
}
int p_monitor(lua_State* L) { return pid_op<op_monitor>(L, "process.monitor"); }
int p_demonitor(lua_State* L) { return pid_op<op_demonitor>(L, "process.demonitor"); }
int p_link(lua_State* L) { return pid_op<op_link>(L, "process.link"); }
int p_unlink(lua_State* L) { return pid_op<op_unlink>(L, "process.unlink"); }

int p_call_start(lua_State* L) {
  return guarded(L, [&] {
    std::string id = arg_string(L, 1, "funcs.call", "function ID");
    std::string host = lua_isnoneornil(L, 2) ? std::string() : arg_string(L, 2, "process.exec", "host");
    std::vector<Value> args = args_from(L, 3);
    std::string error;
    int h = self_of(L)->start_call(id, host, std::move(args), error);
    if (h > 0) {
      lua_pushinteger(L, h);
      return 1;
    }
    lua_pushnil(L);
    lua_pushlstring(L, error.data(), error.size());
    return 2;
  });
}

int p_call_poll(lua_State* L) {
  return guarded(L, [&] {
    LuaProcess* self = self_of(L);
    int h = static_cast<int>(lua_tointeger(L, 1));
    std::shared_ptr<LuaProcess::Call> call = self->find_call(h);
    if (!call) throw std::runtime_error("funcs.call: unknown call handle");
    std::lock_guard lk(call->mu);
    if (!call->done) {
      lua_pushboolean(L, 0);
      return 1;
    }
    lua_pushboolean(L, 1);
    push_value(L, call->value);
    if (call->error) {
      lua_pushlstring(L, call->error->data(), call->error->size());
    } else {
      lua_pushnil(L);
    }
    self->end_call(h);
    return 3;
  });
}

int p_take_preempted(lua_State* L) {
  lua_pushboolean(L, self_of(L)->take_preempted(lua_tothread(L, 1)));
  return 1;
}

// Yields to the dispatcher as the hook does (the prelude's resume passes a preemption
// of a nested coroutine up with it).
int p_pass_preemption(lua_State* L) {
  self_of(L)->note_preempted(L);
  return lua_yield(L, 0);
}

const luaL_Reg kPrimitives[] = {
    {"now_ns", p_now_ns},
    {"wall", p_wall},
    {"pid", p_pid},
    {"take_event", p_take_event},
    {"take_message", p_take_message},
    {"cancelled", p_cancelled},
    {"spawn", p_spawn},
    {"send", p_send},
    {"terminate", p_terminate},
    {"cancel", p_cancel},
    {"monitor", p_monitor},
    {"demonitor", p_demonitor},
    {"link", p_link},
    {"unlink", p_unlink},
    {"call_start", p_call_start},
    {"call_poll", p_call_poll},
    {"take_preempted", p_take_preempted},
    {"trap_links", p_trap_links},
    {"register", p_register},
    {"lookup", p_lookup},
    {"unregister", p_unregister},
    {"parse_duration", p_parse_duration},
    {"pass_preemption", p_pass_preemption},
    {nullptr, nullptr},
};

// The count hook, on the process's coroutine and (inherited by lua_newthread) on
// every coroutine the script creates: enforces the hard limits, then yields at the
// end of the slice if it can. A nested coroutine yields to the prelude's resume,
// which passes the preemption up to the dispatcher.
void count_hook(lua_State* L, lua_Debug*) {
  LuaProcess* self = self_of(L);
  bool slice_over = self->charge(L);
  self->enforce_limits(L);
  if (!slice_over || !lua_isyieldable(L)) return;  // inside a C call: runs on, limits still enforced
  self->note_preempted(L);
  lua_yield(L, 0);
}

void check_limits(lua_State* L) { self_of(L)->enforce_limits(L); }

// lua_Alloc with a cap: an allocation (or growth) past it is refused, which Lua
// raises as a memory error; the process then ends (LuaProcess::limit_reached).
void* limited_alloc(void* ud, void* ptr, size_t osize, size_t nsize) {
  auto* m = static_cast<LuaProcess::Memory*>(ud);
  size_t old = ptr != nullptr ? osize : 0;  // for a new block, osize is its type
  if (nsize == 0) {
    std::free(ptr);
    m->used -= old;
    return nullptr;
  }
  if (m->cap != 0 && nsize > old && m->used - old + nsize > m->cap) {
    m->exceeded = true;
    return nullptr;
  }
  void* p = std::realloc(ptr, nsize);
  if (p != nullptr) {
    m->used = m->used - old + nsize;
    m->peak = std::max(m->peak, m->used);
  }
  return p;
}

int at_panic(lua_State* L) {
  log::error("unprotected Lua error: {}", lua_tostring(L, -1));
  return 0;  // Lua aborts
}

// An error object's __tostring runs under this instruction budget (it is script code
// and runs after the process failed, without preemption).
constexpr int kDescribeBudget = 1000000;
constexpr size_t kMaxErrorText = 64 * 1024;

void describe_hook(lua_State* L, lua_Debug*) {
  lua_pushliteral(L, "__tostring ran too long");
  lua_error(L);
}

int call_tostring(lua_State* L) {
  luaL_tolstring(L, 1, nullptr);  // raises if __tostring fails or returns a non-string
  return 1;
}

std::string capped(const char* s, size_t len) {
  if (len <= kMaxErrorText) return std::string(s, len);
  return std::string(s, kMaxErrorText) + "... (" + std::to_string(len) + " bytes)";
}

// Escapes the magic characters of a Lua pattern replacement / path template.
std::string lua_path_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == ';' || c == '?') continue;  // cannot appear in a package.path entry
    out += c;
  }
  return out;
}

}  // namespace

LuaProcess::LuaProcess(LuaProcessConfig config) : cfg_(std::move(config)) {}

LuaProcess::~LuaProcess() { close(); }

// A string or a number as it is; nil, a boolean and an object without a working
// __tostring by type. Never raises: __tostring runs in protected mode, on the main
// thread (the coroutine may be dead), under an instruction budget.
std::string LuaProcess::describe_error(lua_State* from, int idx) {
  idx = lua_absindex(from, idx);
  int type = lua_type(from, idx);
  size_t len = 0;
  if (type == LUA_TSTRING) {
    const char* s = lua_tolstring(from, idx, &len);
    return capped(s, len);
  }
  if (type == LUA_TNUMBER) {
    lua_pushvalue(from, idx);  // lua_tolstring converts in place: a copy
    const char* s = lua_tolstring(from, -1, &len);
    std::string out(s, len);
    lua_pop(from, 1);
    return out;
  }
  if (type == LUA_TNIL) return "error object is nil";
  if (type == LUA_TBOOLEAN) return lua_toboolean(from, idx) ? "error object is true" : "error object is false";
  std::string fallback = std::string("error object is a ") + lua_typename(from, type);
  if (!lua_checkstack(from, 2) || !lua_checkstack(L_, 4)) return fallback;
  if (luaL_getmetafield(from, idx, "__tostring") == LUA_TNIL) return fallback;  // raw: no metamethods
  lua_pop(from, 1);
  lua_pushcfunction(L_, call_tostring);
  lua_pushvalue(from, idx);
  if (from != L_) lua_xmove(from, L_, 1);
  lua_sethook(L_, describe_hook, LUA_MASKCOUNT, kDescribeBudget);
  int status = lua_pcall(L_, 1, 1, 0);
  lua_sethook(L_, nullptr, 0, 0);
  std::string out = fallback;
  if (status == LUA_OK && lua_type(L_, -1) == LUA_TSTRING) {
    const char* s = lua_tolstring(L_, -1, &len);
    out = capped(s, len);
  }
  lua_pop(L_, 1);
  return out;
}

void LuaProcess::note_preempted(lua_State* thread) {
  if (thread != co_) preempted_.push_back(thread);  // co_ yields to the dispatcher
}

bool LuaProcess::take_preempted(lua_State* thread) {
  auto it = std::find(preempted_.begin(), preempted_.end(), thread);
  if (it == preempted_.end()) return false;
  preempted_.erase(it);
  return true;
}

procs::ProcessUsage LuaProcess::usage() const { return {fuel_used_, mem_.peak}; }

bool LuaProcess::charge(lua_State* L) {
  int64_t n = lua_gethookcount(L);
  fuel_used_ += static_cast<uint64_t>(n);
  slice_used_ += n;
  if (slice_used_ < slice_) return false;
  slice_used_ = 0;
  return true;
}

std::optional<std::string> LuaProcess::limit_reached() {
  if (ctx_ != nullptr && ctx_->terminate_requested()) return std::string(procs::kErrTerminated);
  if (mem_.exceeded) return "memory limit exceeded (max_memory " + std::to_string(cfg_.limits.max_memory) + " bytes)";
  if (cfg_.limits.fuel != 0 && fuel_used_ > cfg_.limits.fuel)
    return "fuel exhausted (" + std::to_string(cfg_.limits.fuel) + " instructions)";
  if (deadline_ && ctx_->now() >= *deadline_) {
    return "execution time limit exceeded (" + std::to_string(cfg_.limits.max_execution_ms) + " ms)";
  }
  return std::nullopt;
}

void LuaProcess::enforce_limits(lua_State* L) {
  if (doom_.empty()) {
    {
      std::optional<std::string> reached = limit_reached();
      if (!reached) return;
      doom_ = std::move(*reached);
    }
    // From now on every instruction raises: a pcall that catches the error gets it
    // again at its next instruction, up to the top.
    lua_sethook(L, count_hook, LUA_MASKCOUNT, 1);
    if (co_ != nullptr && co_ != L) lua_sethook(co_, count_hook, LUA_MASKCOUNT, 1);
  }
  // No C++ object is alive in this frame: lua_error longjmps.
  lua_pushlstring(L, doom_.data(), doom_.size());
  lua_error(L);
}

StepResult LuaProcess::init() {
  std::ifstream in(cfg_.source, std::ios::binary);
  if (!in) return StepResult::fail("cannot read Lua source " + cfg_.source.string());
  std::stringstream ss;
  ss << in.rdbuf();
  std::string code = ss.str();

  L_ = lua_newstate(limited_alloc, &mem_);
  if (!L_) return StepResult::fail("cannot create a Lua state");
  lua_atpanic(L_, at_panic);
  *static_cast<LuaProcess**>(lua_getextraspace(L_)) = this;  // copied into new threads
  luaL_openlibs(L_);
  std::string sandbox_error = apply_sandbox(L_, check_limits);
  if (!sandbox_error.empty()) return StepResult::fail(sandbox_error);
  if (std::optional<uint64_t> seed = ctx_->system().deterministic_seed()) {
    if (std::string e = use_virtual_sources(L_, procs::process_seed(*seed, ctx_->pid())); !e.empty())
      return StepResult::fail(e);
  }

  // require: files next to the script (the sandbox removed C modules).
  std::string dir = lua_path_escape(cfg_.source.parent_path().string());
  lua_getglobal(L_, "package");
  std::string path = dir + "/?.lua;" + dir + "/?/init.lua";
  lua_pushlstring(L_, path.data(), path.size());
  lua_setfield(L_, -2, "path");
  lua_pop(L_, 1);

  // The prelude returns the bootstrap function.
  if (luaL_loadbufferx(L_, kPrelude, std::strlen(kPrelude), "=prelude", "t") != LUA_OK) {
    return StepResult::fail("Lua prelude: " + describe_error(L_, -1));
  }
  luaL_newlib(L_, kPrimitives);
  lua_pushlightuserdata(L_, const_cast<char*>(&kMark));
  lua_setfield(L_, -2, "MARK");
  if (lua_pcall(L_, 1, 1, 0) != LUA_OK) return StepResult::fail("Lua prelude: " + describe_error(L_, -1));

  std::string chunkname("@");
  chunkname += cfg_.source.filename().string();
  if (luaL_loadbufferx(L_, code.data(), code.size(), chunkname.c_str(), "t") != LUA_OK) {
    return StepResult::fail(describe_error(L_, -1));
  }
  co_ = lua_newthread(L_);
  luaL_ref(L_, LUA_REGISTRYINDEX);  // keeps the thread alive; the stack is now bootstrap, chunk
  lua_xmove(L_, co_, 2);
  lua_pushlstring(co_, cfg_.method.data(), cfg_.method.size());
  lua_createtable(co_, static_cast<int>(cfg_.modules.size()), 0);
  for (size_t i = 0; i < cfg_.modules.size(); ++i) {
    lua_pushlstring(co_, cfg_.modules[i].data(), cfg_.modules[i].size());
    lua_rawseti(co_, -2, static_cast<lua_Integer>(i + 1));
  }
  if (!lua_checkstack(co_, static_cast<int>(cfg_.args.size()) + 8)) {
    return StepResult::fail("too many arguments");
  }
  for (const Value& v : cfg_.args) push_value(co_, v);
  pending_args_ = 3 + static_cast<int>(cfg_.args.size());

  int64_t slice = cfg_.slice > 0 ? cfg_.slice : ctx_->slice_budget();
  if (slice < 100) slice = 100;
  if (slice > INT_MAX) slice = INT_MAX;
  slice_ = slice;
  // With a fuel limit the hook fires more often, so that a coroutine that yields
  // early leaves at most kFuelGrain instructions uncharged; it still yields per slice.
  int64_t period = cfg_.limits.fuel != 0 ? std::min<int64_t>(slice, kFuelGrain) : slice;
  lua_sethook(co_, count_hook, LUA_MASKCOUNT, static_cast<int>(period));
  mem_.cap = cfg_.limits.max_memory > SIZE_MAX ? SIZE_MAX : static_cast<size_t>(cfg_.limits.max_memory);

  if (uint64_t ms = cfg_.limits.max_execution_ms) {
    // A limit beyond the clock's range is no limit (it cannot be reached).
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(procs::Clock::time_point::max() -
                                                                      ctx_->now());
    if (ms < static_cast<uint64_t>(left.count())) {
      deadline_ = ctx_->now() + std::chrono::milliseconds(ms);
      deadline_timer_ = ctx_->wake_at(*deadline_);  // a waiting process is woken to fail
    }
  }
  return StepResult::cont();
}

StepResult LuaProcess::step(procs::ProcessContext& ctx) {
  ctx_ = &ctx;
  if (!L_) {
    StepResult r = init();
    if (r.kind == StepResult::Kind::Done) return r;
  }
  if (!co_) return StepResult::fail("the Lua process was closed");
  if (std::optional<std::string> reached = limit_reached()) return StepResult::fail(*reached);
  timer_.cancel();
  int nres = 0;
  int nargs = pending_args_;
  pending_args_ = 0;
  slice_used_ = 0;
  int status = lua_resume(co_, L_, nargs, &nres);
  if (!doom_.empty()) return StepResult::fail(doom_);  // whatever the script made of the error
  // A refused allocation ends the process even if the script caught the error.
  if (mem_.exceeded) return StepResult::fail(*limit_reached());
  if (status == LUA_YIELD) {
    if (nres >= 1 && lua_touserdata(co_, -nres) == &kMark) {
      std::optional<int64_t> deadline;
      if (nres >= 2 && lua_isinteger(co_, -nres + 1)) deadline = lua_tointeger(co_, -nres + 1);
      lua_pop(co_, nres);
      if (deadline) {
        procs::Clock::time_point when{std::chrono::nanoseconds(*deadline)};
        if (when <= ctx.now()) return StepResult::cont();
        timer_ = ctx.wake_at(when);
      }
      return StepResult::waiting();
    }
    lua_pop(co_, nres);  // preempted by the hook (or a bare coroutine.yield())
    return StepResult::cont();
  }
  if (status == LUA_OK) return finish(nres);
  return StepResult::fail(describe_error(co_, -1));
}

StepResult LuaProcess::finish(int nres) {
  if (nres == 0) return StepResult::done();
  int first = lua_gettop(co_) - nres + 1;
  // `return nil, err` is a failure, as Lua functions report errors.
  if (lua_isnil(co_, first) && nres >= 2 && !lua_isnil(co_, first + 1)) {
    return StepResult::fail(describe_error(co_, first + 1));
  }
  try {
    return StepResult::done(to_value(co_, first, ctx().host().options().message_limits, "result"));
  } catch (const std::exception& e) {
    return StepResult::fail(std::string("cannot return the result: ") + e.what());
  }
}

int LuaProcess::start_call(const std::string& id, const std::string& host, std::vector<Value> args,
                           std::string& error) {
  auto call = std::make_shared<Call>();
  procs::SpawnOptions opts;
  opts.parent = ctx_->pid();
  opts.on_exit = [call, waker = ctx_->waker()](const procs::Event& ev) {
    {
      std::lock_guard lk(call->mu);
      call->done = true;
      call->value = ev.value;
      call->error = ev.error;
    }
    waker.wake();
  };
  procs::SpawnResult r = ctx_->system().spawn(host.empty() ? std::string(ctx_->pid().local_host()) : host, id,
                                              std::move(args), std::move(opts));
  if (!r) {
    error = r.error;
    return 0;
  }
  call->pid = r.pid;
  int h = next_call_++;
  calls_.emplace(h, std::move(call));
  return h;
}

std::shared_ptr<LuaProcess::Call> LuaProcess::find_call(int handle) const {
  auto it = calls_.find(handle);
  return it == calls_.end() ? nullptr : it->second;
}

void LuaProcess::end_call(int handle) { calls_.erase(handle); }

void LuaProcess::close() {
  timer_.cancel();
  deadline_timer_.cancel();
  if (ctx_ != nullptr) {
    for (auto& [h, call] : calls_) {
      bool done;
      {
        std::lock_guard lk(call->mu);
        done = call->done;
      }
      if (!done && call->pid.valid()) ctx_->system().terminate(call->pid);
    }
  }
  calls_.clear();
  if (L_) lua_close(L_);
  L_ = nullptr;
  co_ = nullptr;
}

}  // namespace wippy::lua

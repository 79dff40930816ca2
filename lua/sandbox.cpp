// The process sandbox. A script shares its host with every other process, so the
// standard library loses what could corrupt, block or outlive the host's threads:
//
// - Binary chunks: Lua does not verify bytecode, and a crafted chunk corrupts the
//   host's memory. load, loadfile, dofile and require load text only;
//   package.loadlib and the C module searchers are gone (no native code).
// - debug: only traceback and getinfo. debug.sethook would remove the preemption
//   hook; setmetatable/setlocal/setupvalue/getregistry reach into the prelude.
// - __gc metamethods are refused by setmetatable: Lua runs finalizers with hooks
//   off (no preemption, no limits), also in lua_close when the process ends.
// - table.insert/remove with a position and table.move copy element by element in
//   C, for as many elements as __len or the arguments say (2^53 is fine to them):
//   here they are Lua loops, which the hook counts.
// - string.find/match/gmatch/gsub use the bounded matcher (pattern.h).
// - xpcall: a hard-limit error is raised inside the count hook, and Lua runs the
//   message handler right there, with hooks off; so once a limit is reached the
//   handler is skipped.
// - os.exit, os.execute, io.popen (a shell that outlives the process and blocks
//   the worker) and os.setlocale (global to the whole host) are gone.
// - Opening a file that can block (a FIFO, a socket, a terminal or another device
//   but null, zero, full, random and urandom) would hold the worker inside open() or
//   read(): io.open, io.lines, io.input, io.output, loadfile, dofile and require
//   refuse such paths with "<path>: not a regular file (...)".
#include "lua/sandbox.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <algorithm>
#include <cstring>
#include <iterator>

#include "lua/pattern.h"

namespace wippy::lua {

namespace {

const char* const kSandbox = R"lua(
local check_limits, blocking_file = ...
local raw_xpcall, raw_pcall = xpcall, pcall
local raw_load, raw_loadfile, raw_setmetatable = load, loadfile, setmetatable
local type, error, rawget, getmetatable, select = type, error, rawget, getmetatable, select
local math_type, maxinteger = math.type, math.maxinteger
local raw_insert, raw_remove = table.insert, table.remove

-- nil and a message if `name` is a file whose open or read could block the worker.
local function refuse_blocking(name)
  if type(name) == "string" and blocking_file(name) then
    return name .. ": not a regular file (a FIFO, socket or device would block the worker)"
  end
end
local function guard_open(open)
  return function(name, ...)
    local why = refuse_blocking(name)
    if why then return nil, why end
    return open(name, ...)
  end
end
local function guard_raise(fn)
  return function(name, ...)
    local why = refuse_blocking(name)
    if why then error(why, 2) end
    return fn(name, ...)
  end
end
io.open = guard_open(io.open)
io.lines, io.input, io.output = guard_raise(io.lines), guard_raise(io.input), guard_raise(io.output)
raw_loadfile = guard_open(raw_loadfile)

function load(chunk, name, mode, env) return raw_load(chunk, name, "t", env) end
function loadfile(name, mode, env) return raw_loadfile(name, "t", env) end
function dofile(name)
  local f, err = raw_loadfile(name, "t")
  if not f then error(err, 2) end
  return f()
end

-- package.searchpath, with the guarded io.open (Lua's own opens every candidate).
local raw_gsub, concat, io_open = string.gsub, table.concat, io.open
local function searchpath(name, path, sep, rep)
  sep, rep = sep or ".", rep or "/"
  if sep ~= "" then name = raw_gsub(name, raw_gsub(sep, "%p", "%%%0"), function() return rep end) end
  local tried = {}
  for template in string.gmatch(path, "[^;]+") do
    local file = raw_gsub(template, "%?", function() return name end)
    local f = io_open(file, "r")
    if f then
      f:close()
      return file
    end
    tried[#tried + 1] = "no file '" .. file .. "'"
  end
  return nil, concat(tried, "\n\t")
end
package.searchpath = searchpath
local function lua_searcher(name)
  local path, err = searchpath(name, package.path)
  if not path then return err end
  local f, lerr = raw_loadfile(path, "t")
  if not f then
    error("error loading module '" .. name .. "' from file '" .. path .. "':\n\t" .. lerr, 2)
  end
  return f, path
end
package.searchers = { package.searchers[1], lua_searcher }
package.loadlib = nil
package.cpath = ""

local debug_lib = { traceback = debug.traceback, getinfo = debug.getinfo }
debug = debug_lib
package.loaded.debug = debug_lib

function setmetatable(t, mt)
  if type(mt) == "table" and rawget(mt, "__gc") ~= nil then
    error("setmetatable: __gc metamethods are not available in a process (finalizers run without preemption)", 2)
  end
  return raw_setmetatable(t, mt)
end

local function table_arg(t, fn)
  if type(t) ~= "table" and getmetatable(t) == nil then
    error("bad argument #1 to '" .. fn .. "' (table expected, got " .. type(t) .. ")", 3)
  end
end
local function int_arg(v, n, fn)
  if math_type(v) == "integer" then return v end
  if math_type(v) == "float" and v == v // 1 and v >= -2^63 and v < 2^63 then return v // 1 end
  error("bad argument #" .. n .. " to '" .. fn .. "' (number has no integer representation)", 3)
end

function table.insert(t, ...)
  local nargs = select("#", ...)
  if nargs ~= 2 then return raw_insert(t, ...) end  -- append (or the argument error)
  table_arg(t, "insert")
  local pos, v = ...
  pos = int_arg(pos, 2, "insert")
  local e = #t + 1
  if pos < 1 or pos > e then error("bad argument #2 to 'insert' (position out of bounds)", 2) end
  for i = e, pos + 1, -1 do t[i] = t[i - 1] end
  t[pos] = v
end

function table.remove(t, pos)
  table_arg(t, "remove")
  local size = #t
  if pos == nil or pos == size then return raw_remove(t, pos) end  -- no elements to shift
  pos = int_arg(pos, 2, "remove")
  if pos < 1 or pos > size + 1 then error("bad argument #2 to 'remove' (position out of bounds)", 2) end
  local result = t[pos]
  for i = pos, size - 1 do t[i] = t[i + 1] end
  t[size > pos and size or pos] = nil
  return result
end

function table.move(a1, f, e, t, a2)
  f, e, t = int_arg(f, 2, "move"), int_arg(e, 3, "move"), int_arg(t, 4, "move")
  if a2 == nil then a2 = a1 end
  table_arg(a1, "move")
  table_arg(a2, "move")
  if e >= f then
    if not (f > 0 or e < maxinteger + f) then error("bad argument #3 to 'move' (too many elements to move)", 2) end
    local n = e - f + 1
    if t > maxinteger - n + 1 then error("bad argument #4 to 'move' (destination wrap around)", 2) end
    if t > e or t <= f or a1 ~= a2 then
      for i = 0, n - 1 do a2[t + i] = a1[f + i] end
    else
      for i = n - 1, 0, -1 do a2[t + i] = a1[f + i] end
    end
  end
  return a2
end

function xpcall(f, handler, ...)
  return raw_xpcall(f, function(e)
    if not raw_pcall(check_limits) then return e end
    return handler(e)
  end, ...)
end

os.exit = function()
  error("os.exit is not available in a process: return a value from the method instead", 2)
end
os.execute, os.setlocale, io.popen = nil, nil, nil
)lua";

using CheckFn = void (*)(lua_State*);

// check_limits(): raises if a hard limit is reached.
int check_limits(lua_State* L) {
  (*static_cast<CheckFn*>(lua_touserdata(L, lua_upvalueindex(1))))(L);
  return 0;
}

void no_check(lua_State*) {}

// blocking_file(path): whether opening or reading `path` could block (see above).
int blocking_file(lua_State* L) {
  const char* path = luaL_checkstring(L, 1);
  struct stat st;
  bool blocks = false;
  if (::stat(path, &st) == 0) {
    if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) || S_ISBLK(st.st_mode)) {
      blocks = true;
    } else if (S_ISCHR(st.st_mode)) {
      static const dev_t never_block[] = {makedev(1, 3), makedev(1, 5), makedev(1, 7), makedev(1, 8), makedev(1, 9)};
      blocks = std::find(std::begin(never_block), std::end(never_block), st.st_rdev) == std::end(never_block);
    }
  }
  lua_pushboolean(L, blocks);
  return 1;
}

}  // namespace

std::string apply_sandbox(lua_State* L, void (*check)(lua_State*)) {
  install_bounded_patterns(L, check);
  if (luaL_loadbufferx(L, kSandbox, std::strlen(kSandbox), "=sandbox", "t") != LUA_OK) {
    std::string msg = lua_tostring(L, -1);
    lua_pop(L, 1);
    return "Lua sandbox: " + msg;
  }
  *static_cast<CheckFn*>(lua_newuserdatauv(L, sizeof(CheckFn), 0)) = check ? check : no_check;
  lua_pushcclosure(L, check_limits, 1);
  lua_pushcfunction(L, blocking_file);
  if (lua_pcall(L, 2, 0, 0) != LUA_OK) {
    std::string msg = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "error";
    lua_pop(L, 1);
    return "Lua sandbox: " + msg;
  }
  return {};
}

}  // namespace wippy::lua

-- wippy.so on the calc guest: load, exports and imports with types, calls with every
-- number type, Lua imports, memory, fuel, traps, and call_async interleaving.
local check = require("check")
local wasm = require("wippy")
local guests = assert(arg[1], "usage: lua5.4 api_test.lua GUEST_DIR")
local path = guests .. "/api_calc.wasm"

local logged = {}
local imports = {env = {
  log = function(x) logged[#logged + 1] = x end,
  add = function(a, b) return a + b end,
}}

-- load: from a path and from bytes, with the right and a wrong hash
local m = wasm.load(path)
local f = assert(io.open(path, "rb"))
local bytes = f:read("a")
f:close()
local m2 = wasm.load(bytes)
check.eq(#m2:exports(), #m:exports(), "exports of the module loaded from bytes")

-- exports() and imports() with types
local by_name = {}
for _, e in ipairs(m:exports()) do by_name[e.name] = e end
check.eq(by_name.add.kind, "func", "add kind")
check.eq(by_name.add.type, "func [i32 i32] -> [i32]", "add type")
check.eq(by_name.add.params[2], "i32", "add param 2")
check.eq(by_name.memory.type, "memory 1..4", "memory type")
local imps = m:imports()
check.eq(#imps, 2, "import count")
check.eq(imps[1].module .. "." .. imps[1].name, "env.log", "first import")
check.eq(imps[2].type, "func [i32 i32] -> [i32]", "env.add type")

-- calls: i32, i64 as Lua integers, f32/f64 as numbers, several results
local inst = m:instantiate(imports)
local ex = inst.exports
check.eq(ex.add(2, 40), 42, "add")
check.eq(ex.add(-1, 0), -1, "add of a negative")
check.eq(ex.add(0xffffffff, 0), -1, "an unsigned i32 argument")
check.eq(ex.add64(1 << 40, 1), (1 << 40) + 1, "add64")
check.eq(ex.add64(math.maxinteger, 1), math.mininteger, "add64 wraps")
check.eq(ex.mul32(1.5, 2), 3.0, "mul32")
check.eq(ex.mul64(0.5, 0.25), 0.125, "mul64")
local q, r = ex.divmod(17, 5)
check.eq(q, 3, "quotient")
check.eq(r, 2, "remainder")

-- imports from Lua
ex.log(7)
check.eq(logged[1], 7, "log import")
check.eq(ex.host_sum(5), 10, "five calls of the Lua add")

-- memory
local mem = inst.memory
check.eq(mem:size(), 65536, "memory size")
check.eq(mem:read(16, 5), "hello", "data segment")
mem:write(100, "\1\2\3")
check.eq(ex.sum_bytes(100, 3), 6, "the guest reads what Lua wrote")
check.eq(ex.grow(1), 1, "memory.grow returns the old size")
check.eq(mem:size(), 131072, "size after grow")

-- fuel: a limit traps with "fuel exhausted"; fuel_consumed counts
local limited = m:instantiate(imports, {fuel = 1000})
check.fails("fuel exhausted", limited.exports.count, 100000)
check.eq(limited:fuel_consumed() <= 1000, true, "fuel consumed within the limit")
local free = m:instantiate(imports)
check.eq(free.exports.count(100), 4950, "count")
check.eq(free:fuel_consumed() > 100, true, "fuel consumed")

-- the instance stays usable after a trap
check.fails("unreachable", ex.unreachable)
check.fails("integer divide by zero", ex.div, 1, 0)
check.fails("out of bounds memory access", ex.oob)
check.fails("call stack exhausted", m:instantiate(imports, {max_call_depth = 100}).exports.recurse, 0)
check.eq(ex.add(1, 1), 2, "usable after traps")

-- max_memory_pages: memory.grow is refused
local small = m:instantiate(imports, {max_memory_pages = 1})
check.eq(small.exports.grow(1), -1, "grow past max_memory_pages")

-- call_async: two calls interleaved by a coroutine scheduler, same results as direct
local function task(name, n)
  return coroutine.create(function()
    local e = inst:call_async(name, n, {budget = 200})
    local slices = 0
    while true do
      local r = e:resume()
      if r ~= "yield" then return r, slices end
      slices = slices + 1
      coroutine.yield()
    end
  end)
end
local order = {}
local tasks = {a = task("count", 3000), b = task("count", 2000)}
local results = {}
while next(tasks) do
  for name, co in pairs(tasks) do
    local ok, r, slices = coroutine.resume(co)
    assert(ok, r)
    order[#order + 1] = name
    if coroutine.status(co) == "dead" then
      results[name] = {r, slices}
      tasks[name] = nil
    end
  end
end
check.eq(results.a[1], ex.count(3000), "first interleaved call")
check.eq(results.b[1], ex.count(2000), "second interleaved call")
check.eq(results.a[2] > 5 and results.b[2] > 5, true, "both calls ran in many slices")
local switches = 0
for i = 2, #order do if order[i] ~= order[i - 1] then switches = switches + 1 end end
check.eq(switches > 5, true, "the calls alternated")

-- a Lua import yields from inside a call_async call: the scheduler sees its values
local waits = {}
local yielding = m:instantiate({env = {
  log = function() end,
  add = function(a, b)
    local got = coroutine.yield("need", a, b)  -- to the scheduler
    waits[#waits + 1] = got
    return got
  end,
}})
local co = coroutine.create(function()
  return yielding:call_async("host_sum", 4):resume()
end)
local ok, what, a, b = coroutine.resume(co)
local steps = 0
while coroutine.status(co) ~= "dead" do
  assert(ok, what)
  check.eq(what, "need", "what the import yielded")
  steps = steps + 1
  ok, what, a, b = coroutine.resume(co, a + b)
end
assert(ok, what)
check.eq(what, 6, "host_sum with yielding imports")
check.eq(steps, 4, "one yield per import call")
check.eq(#waits, 4, "the import got the scheduler's values")

print("api_test: ok")

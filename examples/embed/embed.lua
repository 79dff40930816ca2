-- Embedding wippy-wasm in a stock Lua 5.4 script:
--   LUA_CPATH="<prefix>/lib/lua/5.4/?.so" lua5.4 embed.lua guest.wasm
local wasm = require("wippy")
local path = assert(arg[1], "usage: lua5.4 embed.lua guest.wasm")

local module = wasm.load(path)
for _, e in ipairs(module:exports()) do print("export", e.name, e.type) end
for _, i in ipairs(module:imports()) do print("import", i.module .. "." .. i.name, i.type) end

-- Imports are Lua functions; i64 values arrive as Lua integers.
local reports = 0
local instance = module:instantiate({env = {progress = function(i, partial) reports = reports + 1 end}})
local sum = instance.exports.sum(10000)
assert(sum == 50005000, sum)
print(string.format("sum(10000) = %d, %d progress reports, %d fuel", sum, reports, instance:fuel_consumed()))

-- Memory.
local text = instance.memory:read(0, instance.exports.greeting_len())
assert(text == "hello from wasm", text)
instance.memory:write(0, "HELLO")
print("memory says: " .. instance.memory:read(0, 15))

-- A fuel limit: the call fails with "fuel exhausted", the script goes on.
local limited = module:instantiate({env = {progress = function() end}}, {fuel = 1000})
local ok, err = pcall(limited.exports.sum, 10000)
assert(not ok and err:find("^fuel exhausted"), err)
print("limited: " .. err:match("^[^\n]*"))

-- Two calls interleaved by coroutines, 2000 fuel units per resume().
local function task(n)
  return coroutine.create(function()
    local exec = instance:call_async("sum", n, {budget = 2000})
    while true do
      local r = exec:resume()
      if r ~= "yield" then return r end
      coroutine.yield()
    end
  end)
end
local tasks = {task(20000), task(30000)}
local results, running, turns = {}, #tasks, 0
while running > 0 do
  for k, co in ipairs(tasks) do
    if coroutine.status(co) ~= "dead" then
      local ok2, r = coroutine.resume(co)
      assert(ok2, r)
      turns = turns + 1
      if coroutine.status(co) == "dead" then
        results[k] = r
        running = running - 1
      end
    end
  end
end
assert(results[1] == 200010000 and results[2] == 450015000)
print(string.format("interleaved: sum(20000) = %d, sum(30000) = %d in %d turns", results[1], results[2], turns))
print("embed.lua: ok")

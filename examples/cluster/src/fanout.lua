-- Runs on node a: waits for nodes b and c, spawns n monitored WASM workers on them
-- (alternating; worker i computes i * 2), sums the results from their EXIT events,
-- and stops b and c. A lost, duplicated or wrong EXIT is an error.
local function wait_for(name)
  while true do
    local pid = process.registry.lookup(name)
    if pid then return pid end
    process.receive(time.milliseconds(20))  -- not up yet: look again shortly
  end
end

local function main(n)
  n = tonumber(n or "1000")
  local servers = { wait_for("serve.b"), wait_for("serve.c") }
  local nodes = { "b", "c" }
  local expected, per_node = {}, { b = 0, c = 0 }
  for i = 1, n do
    local node = nodes[i % 2 + 1]
    local pid, err = process.spawn_monitored("cluster:worker", node .. "@cluster:workers", i, 2)
    if err then error("spawn " .. i .. " on " .. node .. " failed: " .. tostring(err)) end
    expected[pid] = i * 2
  end
  local received, sum = 0, 0
  while received < n do
    local ev = process.receive(time.seconds(30))
    if not ev then error("timed out after " .. received .. " of " .. n .. " EXIT events") end
    if ev.type == "EXIT" then
      local want = expected[ev.from]
      if want == nil then error("unexpected or duplicate EXIT from " .. tostring(ev.from)) end
      if ev.error then error("worker " .. ev.from .. " failed: " .. tostring(ev.error)) end
      if ev.value ~= want then error("worker " .. ev.from .. " returned " .. tostring(ev.value)) end
      expected[ev.from] = nil
      received = received + 1
      sum = sum + ev.value
      local node = ev.from:match("^{([^@]+)@")
      per_node[node] = per_node[node] + 1
    end
  end
  for _, s in ipairs(servers) do process.send(s, "stop", true) end
  return string.format("exits=%d sum=%d b=%d c=%d", received, sum, per_node.b, per_node.c)
end
return { main = main }

-- Spawns n monitored WASM workers computing i * 2 and waits for all their EXIT
-- events; any lost, duplicated or wrong event is an error.
local function main(n)
  n = tonumber(n or "10000")
  local expected = {}
  for i = 1, n do
    local pid, err = process.spawn_monitored("scale:worker", "scale:workers", i, 2)
    if err then error("spawn " .. i .. " failed: " .. tostring(err)) end
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
    end
  end
  return "exits=" .. received .. " sum=" .. sum
end
return { main = main }

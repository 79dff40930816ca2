-- src/main.lua
local function main()
  local pid, err = process.spawn_monitored("myns:compute_worker", "myns:processes", 6, 7)
  if err then error("spawn failed: " .. tostring(err)) end
  local event = process.receive(time.seconds(10))
  if event and event.type == "EXIT" then return "result=" .. tostring(event.value) end
  return "no exit event"
end
return { main = main }

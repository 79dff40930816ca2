-- A worker answers "job" messages with the square of n until it gets "stop" or a
-- CANCEL event. A negative n makes it crash (its monitor sees EXIT with the error).
local function worker(parent, id)
  local inbox, events = process.inbox(), process.events()
  while true do
    local r = channel.select { inbox:case_receive(), events:case_receive() }
    if r.channel == events then
      if r.value.kind == process.event.CANCEL then return "cancelled" end
    else
      local msg = r.value
      if msg:topic() == "stop" then return "stopped" end
      if msg:topic() == "job" then
        local n = msg:payload():data().n
        if n < 0 then error("negative input " .. n, 0) end
        process.send(parent, "result", { id = id, n = n, square = n * n })
      end
    end
  end
end

-- Crashes shortly after it starts; whoever is linked to it gets LINK_DOWN (or fails
-- too, unless it traps links).
local function fragile()
  time.sleep(time.milliseconds(20))
  error("fragile process gave up", 0)
end

return { worker = worker, fragile = fragile }

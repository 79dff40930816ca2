-- A key-value service: registered as "kv", answers get/put until cancelled.
local function serve(initial)
  local store = initial or {}
  assert(process.registry.register("kv"))
  local inbox, events = process.inbox(), process.events()
  while true do
    local r = channel.select { inbox:case_receive(), events:case_receive() }
    if r.channel == events then
      if r.value.kind == process.event.CANCEL then return "stopped" end
    else
      local msg = r.value
      local req = msg:payload():data()
      if msg:topic() == "put" then store[req.key] = req.value end
      process.send(msg:from(), "reply", store[req.key])
    end
  end
end

return { serve = serve }

-- Spawns the http_worker component (wasi:http, required env API_URL) and prints what
-- it got from the API: its `run` result is {ok = text} or {err = text}.
local function main()
  local pid = process.spawn_monitored("app:http_worker", "app:processes", "/hello", "sent by the Lua main")
  while true do
    local ev = process.receive()
    if ev and ev.type == "EXIT" and ev.from == pid then
      if ev.error then error("http_worker failed: " .. ev.error, 0) end
      if ev.value.err then error("http_worker: " .. ev.value.err, 0) end
      print("http_worker: " .. ev.value.ok)
      return nil
    end
  end
end

return { main = main }

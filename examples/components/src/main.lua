-- Spawns the `transform-users` component export with a list of records and reads
-- the `result` from the EXIT event: {ok = users} or {err = message}.
local function transform(users, suffix)
  local pid = process.spawn_monitored("app:transform", "app:processes", users, suffix)
  while true do
    local ev = process.receive()
    if ev and ev.type == "EXIT" and ev.from == pid then return ev end
  end
end

local function main()
  local users = {
    { name = "ann", age = 31, tags = { "admin" } },
    { name = "bob", age = 7, tags = {} },
  }
  local ev = transform(users, "-x")
  if ev.error then return "error: " .. ev.error end
  for i, u in ipairs(ev.value.ok) do
    print(string.format("user %d: %s, %d, tags=%s", i, u.name, u.age, table.concat(u.tags, ",")))
  end

  -- The guest refuses a user without a name: result err.
  ev = transform({ { name = "", age = 1, tags = {} } }, "-x")
  print("err: " .. tostring(ev.value.err))

  -- A wrong Lua value: the process fails before the guest runs, naming the place.
  ev = transform({ { name = "carl", age = "old", tags = {} } }, "-x")
  print("bad: " .. tostring(ev.error))
  return "done"
end

return { main = main }

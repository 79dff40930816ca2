-- Talks to the kv service by name, then shows a linked failure: a guard process is
-- linked to a WASM worker that traps; the guard does not trap links, so it fails
-- too, and we (trapping links) receive its LINK_DOWN.
local function ask(topic, req)
  assert(process.send("kv", topic, req))
  return process.inbox():receive():payload():data()
end

local function main()
  print("kv greeting: " .. tostring(ask("get", { key = "greeting" })))
  ask("put", { key = "answer", value = 42 })
  print("kv answer: " .. tostring(ask("get", { key = "answer" })))

  -- The WASM echo service, by messages: it suspends in receive between them.
  assert(process.send("echo", "shout", "hello from lua"))
  local reply = process.inbox():receive()
  print("wasm " .. reply:topic() .. ": " .. reply:payload():data())
  -- The component server: the same protocol through wippy:runtime/process@0.1.0.
  assert(process.send("upper", "shout", "hello from lua to a component"))
  reply = process.inbox():receive()
  print("component " .. reply:topic() .. ": " .. reply:payload():data())

  process.set_options({ trap_links = true })
  local guard = assert(process.spawn_linked("app:guard", "app:processes"))
  local ev = process.events():receive()
  assert(ev.kind == process.event.LINK_DOWN and ev.from == guard)
  -- The guard's error names the worker's pid: keep only the shape.
  print("guard went down: " .. ev.error:gsub("{[^}]*}", "{pid}"))
  -- Time to watch the flaky service's restarts and its giving up on stderr.
  time.sleep("600ms")
  return "services done"
end

local function guard()
  process.spawn_linked("app:crash_proc", "app:processes")
  process.inbox():receive()  -- never arrives: the worker's trap ends us first
end

return { main = main, guard = guard }

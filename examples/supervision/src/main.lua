-- Supervises three workers: sends them jobs, restarts the one that crashes, stops
-- them all, then watches a linked process go down.
local HOST = "sup:processes"

local function start_worker(me, id)
  local pid, err = process.spawn_monitored("sup:worker", HOST, me, id)
  if not pid then error("spawn failed: " .. tostring(err)) end
  return pid
end

-- Waits for `n` "result" messages; returns the sum of the squares.
local function collect(n)
  local sum = 0
  for _ = 1, n do
    local r = channel.select { process.inbox():case_receive(), time.after(time.seconds(5)):case_receive() }
    if r.channel ~= process.inbox() then error("timed out waiting for results") end
    sum = sum + r.value:payload():data().square
  end
  return sum
end

local function main()
  local me = process.pid()
  local workers = {}
  for id = 1, 3 do workers[id] = start_worker(me, id) end

  for id = 1, 3 do process.send(workers[id], "job", { n = id + 1 }) end
  report.line("squares of 2, 3, 4: %d", collect(3))

  -- Worker 2 crashes on a bad job: its monitor (us) gets EXIT with the error.
  process.send(workers[2], "job", { n = -1 })
  local ev = process.events():receive()
  assert(ev.kind == process.event.EXIT and ev.from == workers[2])
  report.line("worker 2 exited: %s", ev.error)
  workers[2] = start_worker(me, 2)
  report.line("worker 2 restarted")
  process.send(workers[2], "job", { n = 5 })
  report.line("square of 5: %d", collect(1))

  -- Stop worker 1 with a message and cancel worker 3: both exit normally.
  process.send(workers[1], "stop")
  process.cancel(workers[3])
  local endings = {}
  for _ = 1, 2 do
    local e = process.receive(time.seconds(5))
    assert(e and e.type == "EXIT", "expected EXIT")
    endings[#endings + 1] = tostring(e.value)
  end
  table.sort(endings)
  report.line("workers 1 and 3 ended: %s", table.concat(endings, ", "))
  process.terminate(workers[2])
  local t = process.receive(time.seconds(5))
  report.line("worker 2 terminated: %s", t.error)

  -- A linked process that fails sends us LINK_DOWN, as we trap links (else we
  -- would fail with it).
  process.set_options({ trap_links = true })
  local fragile = process.spawn_linked("sup:fragile", HOST)
  local down = process.receive(time.seconds(5))
  assert(down and down.type == "LINK_DOWN" and down.from == fragile)
  report.line("link down: %s", down.error)
  return "supervision done"
end

return { main = main }

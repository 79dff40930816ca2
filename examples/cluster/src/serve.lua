-- Runs on nodes b and c: registers "serve.<node>" (visible on every node) so that
-- node a knows this node is up, then waits until a sends "stop".
local function main()
  local node = process.pid():match("^{([^@]+)@")
  assert(process.registry.register("serve." .. node))
  local m
  repeat m = process.receive() until m.topic == "stop"
  return "node " .. node .. " served"
end
return { main = main }

-- wippy.so running WASI commands: arguments, environment, a mounted directory (with
-- large file I/O that suspends inside the engine), exit codes.
local check = require("check")
local wasm = require("wippy")
local guests = assert(arg[1], "usage: lua5.4 wasi_test.lua GUEST_DIR")

-- env_args prints its arguments and environment and exits with 3 for more than 2 arguments
local m = wasm.load(guests .. "/wasi_env_args.wasm")
local inst = m:instantiate{wasi = {args = {"prog", "a", "b", "c"}, env = {GREETING = "hi from lua"}}}
io.stdout:flush()
check.eq(inst:run_command(), 3, "exit code")
local two = m:instantiate{wasi = {args = {"prog"}, env = {"GREETING=list form"}}}
check.eq(two:run_command(), 0, "exit code without arguments")

-- fs_ops works in /data and exits with its number of failed checks
local dir = assert(io.popen("mktemp -d")):read("l")
local fs = wasm.load(guests .. "/wasi_fs_ops.wasm"):instantiate{wasi = {mounts = {{host = dir, guest = "/data"}}}}
check.eq(fs:run_command(), 0, "fs_ops failures")
local f = assert(io.open(dir .. "/out.txt"))
check.eq(f:read("l"), "done with 0 failures", "the file the guest wrote in the mount")
f:close()
os.execute("rm -rf '" .. dir .. "'")

-- bad WASI configuration
check.fails("imports.wasi: unknown field 'argv'", m.instantiate, m, {wasi = {argv = {}}})
check.fails("wasi mount: cannot open directory /nonexistent/dir", m.instantiate, m, {wasi = {mounts = {{host = "/nonexistent/dir", guest = "/"}}}})
check.fails("imports.wasi.mounts[1].guest: expected a string", m.instantiate, m, {wasi = {mounts = {{host = "."}}}})
check.fails("unknown import: wasi_snapshot_preview1.", m.instantiate, m)
check.fails("the module exports no _start function",
            wasm.load(guests .. "/api_calc.wasm"):instantiate({env = {log = print, add = print}}).run_command,
            wasm.load(guests .. "/api_calc.wasm"):instantiate({env = {log = print, add = print}}))

print("wasi_test: ok")

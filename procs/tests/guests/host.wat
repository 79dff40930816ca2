;; A guest that waits on host operations (sleep) and can exit (proc_exit-like).
(module
  (import "test" "sleep_ms" (func $sleep (param i64) (result i32)))
  (import "test" "exit" (func $exit (param i32)))
  (func (export "sleep_then") (param i64 i32) (result i32)
    local.get 0 call $sleep drop local.get 1)
  (func (export "sleep_twice") (param i64) (result i32)
    local.get 0 call $sleep local.get 0 call $sleep i32.add)
  (func (export "exit_with") (param i32) local.get 0 call $exit unreachable)
)

;; Hostile guests for fairness_bench: each export does big host calls for ever.
(module
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory 257)  ;; 16 MiB + 1 page
  ;; random_get of 16 MiB, again and again.
  (func (export "random_forever")
    (loop $again
      (drop (call $random_get (i32.const 65536) (i32.const 16777216)))
      (br $again)))
  ;; fd_write of 1 MiB (the most one call moves) to stdout, again and again.
  (func (export "write_forever")
    (i32.store (i32.const 0) (i32.const 65536))
    (i32.store (i32.const 4) (i32.const 1048576))
    (loop $again
      (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
      (br $again))))

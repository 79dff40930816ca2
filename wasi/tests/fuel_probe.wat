;; Host calls that do work proportional to a size, for the host-fuel tests: one call,
;; or `n` calls in a loop, of random_get and fd_write.
(module
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  ;; 16 MiB + 1 page: room for a 16 MiB buffer at 65536.
  (memory (export "memory") 257)
  (func (export "random_get") (param i32 i32) (result i32) (call $random_get (local.get 0) (local.get 1)))
  ;; random_get(buf, len) `n` times; returns the last errno.
  (func (export "random_loop") (param $buf i32) (param $len i32) (param $n i32) (result i32)
    (local $e i32)
    (block $done
      (loop $again
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $e (call $random_get (local.get $buf) (local.get $len)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $again)))
    (local.get $e))
  (func (export "fd_write") (param i32 i32 i32 i32) (result i32)
    (call $fd_write (local.get 0) (local.get 1) (local.get 2) (local.get 3))))

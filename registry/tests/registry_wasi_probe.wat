;; A module for the registry tests that imports preview1 functions of two groups:
;; fd_write (wasi:cli, wasi:io or wasi:filesystem) and random_get (wasi:random).
(module
  (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "run") (result i32) i32.const 0))

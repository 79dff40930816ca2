;; Hostile guests for fairness_bench: each export does big host calls for ever.
(module
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_pwrite" (func $fd_pwrite (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (memory 257)  ;; 16 MiB + 1 page
  (data (i32.const 16) "big.bin")
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
      (br $again)))
  ;; fd_pwrite of 1 MiB at offset 0 of /d/big.bin (the mount, descriptor 3), again and
  ;; again: real disk I/O that never grows the file past 1 MiB.
  (func (export "disk_forever") (local $fd i32)
    (i32.store (i32.const 0) (i32.const 65536))
    (i32.store (i32.const 4) (i32.const 1048576))
    ;; oflags creat|trunc; rights fd_write|fd_seek
    (if (call $path_open (i32.const 3) (i32.const 0) (i32.const 16) (i32.const 7) (i32.const 9)
                         (i64.const 68) (i64.const 0) (i32.const 0) (i32.const 24))
      (then unreachable))
    (local.set $fd (i32.load (i32.const 24)))
    (loop $again
      (drop (call $fd_pwrite (local.get $fd) (i32.const 0) (i32.const 1) (i64.const 0) (i32.const 8)))
      (br $again))))

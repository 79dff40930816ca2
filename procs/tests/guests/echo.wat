;; Messages into a WASM process (wippy:runtime/process): serve() echoes each payload
;; to its sender with topic "echo" until a receive times out, and returns how many it
;; served; peek_len() receives into a 2-byte buffer (the length of a longer payload).
(module
  (import "wippy:runtime/process" "receive" (func $receive (param i64 i32 i32) (result i32)))
  (import "wippy:runtime/process" "send" (func $send (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wippy:runtime/process" "last_from" (func $last_from (param i32 i32) (result i32)))
  (import "wippy:runtime/process" "self" (func $self (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "echo")
  (func (export "serve") (param $timeout i64) (result i32)
    (local $n i32) (local $from i32) (local $count i32)
    (block $done
      (loop $next
        (local.set $n (call $receive (local.get $timeout) (i32.const 1024) (i32.const 4096)))
        (br_if $done (i32.lt_s (local.get $n) (i32.const 0)))
        (local.set $from (call $last_from (i32.const 256) (i32.const 64)))
        (drop (call $send (i32.const 256) (local.get $from) (i32.const 0) (i32.const 4)
                          (i32.const 1024) (local.get $n)))
        (local.set $count (i32.add (local.get $count) (i32.const 1)))
        (br $next)))
    (local.get $count))
  (func (export "peek_len") (result i32)
    (call $receive (i64.const -1) (i32.const 1024) (i32.const 2)))
  (func (export "self_len") (result i32) (call $self (i32.const 512) (i32.const 64)))
  (func (export "bad_send") (result i32)
    (call $send (i32.const 0) (i32.const 4) (i32.const 0) (i32.const 4) (i32.const 65530) (i32.const 100))))

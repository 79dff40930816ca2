;; The services example's long-lived WASM server: registers as "echo", then answers
;; every message with topic "echo" and the payload upper-cased (ASCII), suspended in
;; receive (no thread held) between messages, until it is cancelled (receive gives
;; -2). Uses the wippy:runtime/process imports.
(module
  (import "wippy:runtime/process" "register" (func $register (param i32 i32) (result i32)))
  (import "wippy:runtime/process" "receive" (func $receive (param i64 i32 i32) (result i32)))
  (import "wippy:runtime/process" "send" (func $send (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wippy:runtime/process" "last_from" (func $last_from (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "echo")
  (func (export "serve") (local $n i32) (local $from i32) (local $i i32) (local $c i32)
    (drop (call $register (i32.const 0) (i32.const 4)))
    (loop $next
      (local.set $n (call $receive (i64.const -1) (i32.const 1024) (i32.const 4096)))
      (if (i32.lt_s (local.get $n) (i32.const 0)) (then (return)))
      (if (i32.gt_u (local.get $n) (i32.const 4096)) (then (local.set $n (i32.const 4096))))
      (local.set $i (i32.const 0))
      (block $done
        (loop $upper
          (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
          (local.set $c (i32.load8_u offset=1024 (local.get $i)))
          (if (i32.and (i32.ge_u (local.get $c) (i32.const 97)) (i32.le_u (local.get $c) (i32.const 122)))
            (then (i32.store8 offset=1024 (local.get $i) (i32.sub (local.get $c) (i32.const 32)))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $upper)))
      (local.set $from (call $last_from (i32.const 256) (i32.const 64)))
      (drop (call $send (i32.const 256) (local.get $from) (i32.const 0) (i32.const 4)
                        (i32.const 1024) (local.get $n)))
      (br $next))))

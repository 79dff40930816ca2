;; The module examples/embed runs: a sum that reports progress through an import,
;; and a greeting in its memory.
(module
  (import "env" "progress" (func $progress (param i32 i64)))
  (memory (export "memory") 1)
  (data (i32.const 0) "hello from wasm")

  ;; 1 + 2 + ... + n, calling progress(i, partial sum) every 1000 steps
  (func (export "sum") (param $n i32) (result i64)
    (local $i i32) (local $acc i64)
    (block $done
      (loop $next
        (br_if $done (i32.gt_u (local.get $i) (local.get $n)))
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (local.get $i))))
        (if (i32.eqz (i32.rem_u (local.get $i) (i32.const 1000)))
          (then (call $progress (local.get $i) (local.get $acc))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    local.get $acc)

  (func (export "greeting_len") (result i32) i32.const 15)
)

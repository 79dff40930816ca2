;; The other instance for tail_calls.wat: its own memory, and a count-down by tail
;; calls within itself.
(module
  (memory 1)
  (data (i32.const 0) "\01\02\03")
  (func (export "peek") (param i32) (result i32)
    (i32.load8_u (local.get 0)))
  (func $count (export "count") (param $n i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (i64.load8_u (i32.const 2)))
      (else (return_call $count (i64.sub (local.get $n) (i64.const 1))))))
)

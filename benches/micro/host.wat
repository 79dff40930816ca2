;; Micro-benchmark guest: calls of host functions. env.call completes at once;
;; env.suspend is answered by suspending the execution, which the host resumes.
(module
  (import "env" "call" (func $call (param i32) (result i32)))
  (import "env" "suspend" (func $suspend (param i32) (result i32)))
  (func (export "calls") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (call $call (local.get $i))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.get $acc))
  (func (export "suspends") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (call $suspend (local.get $i))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.get $acc)))

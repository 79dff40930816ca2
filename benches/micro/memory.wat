;; Micro-benchmark guest: loads and stores of several widths over a 4 KiB window.
;; run(n) executes n iterations.
(module
  (memory 1)
  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $p i32) (local $acc i32)
    (loop $l
      (local.set $p (i32.and (i32.shl (local.get $i) (i32.const 3)) (i32.const 4088)))
      (i32.store (local.get $p) (i32.add (i32.load offset=8 (local.get $p)) (local.get $i)))
      (i64.store offset=16 (local.get $p)
        (i64.add (i64.load (local.get $p)) (i64.const 3)))
      (i32.store8 offset=3 (local.get $p) (local.get $acc))
      (local.set $acc (i32.add (local.get $acc) (i32.load8_u offset=5 (local.get $p))))
      (local.set $acc (i32.xor (local.get $acc) (i32.load16_s offset=10 (local.get $p))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.get $acc)))

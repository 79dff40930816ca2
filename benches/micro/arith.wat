;; Micro-benchmark guest: i32 arithmetic in a counted loop (dispatch cost).
;; run(n) executes n iterations and returns the accumulator.
(module
  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (local.set $acc (i32.const 1))
    (loop $l
      (local.set $acc
        (i32.xor
          (i32.add (i32.mul (local.get $acc) (i32.const 31)) (local.get $i))
          (i32.shr_u (local.get $acc) (i32.const 3))))
      (local.set $acc (i32.sub (i32.rotl (local.get $acc) (i32.const 5)) (i32.const 7)))
      (local.set $acc (i32.and (i32.or (local.get $acc) (i32.const 0x100)) (i32.const 0x7fffffff)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.get $acc)))

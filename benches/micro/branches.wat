;; Micro-benchmark guest: if/else and br_if on data-dependent conditions, and br_table.
(module
  ;; branches(n): per iteration one if/else on a pseudo-random bit and one br_if
  (func (export "branches") (param $n i32) (result i32)
    (local $i i32) (local $x i32) (local $acc i32)
    (local.set $x (i32.const 12345))
    (loop $l
      ;; xorshift32
      (local.set $x (i32.xor (local.get $x) (i32.shl (local.get $x) (i32.const 13))))
      (local.set $x (i32.xor (local.get $x) (i32.shr_u (local.get $x) (i32.const 17))))
      (local.set $x (i32.xor (local.get $x) (i32.shl (local.get $x) (i32.const 5))))
      (if (i32.and (local.get $x) (i32.const 1))
        (then (local.set $acc (i32.add (local.get $acc) (i32.const 3))))
        (else (local.set $acc (i32.sub (local.get $acc) (i32.const 1)))))
      (block $skip
        (br_if $skip (i32.and (local.get $x) (i32.const 2)))
        (local.set $acc (i32.xor (local.get $acc) (local.get $i))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.get $acc))
  ;; br_table(n): per iteration one br_table over 8 targets chosen by a pseudo-random value
  (func (export "br_table") (param $n i32) (result i32)
    (local $i i32) (local $x i32) (local $acc i32)
    (local.set $x (i32.const 12345))
    (loop $l
      (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 1103515245)) (i32.const 12345)))
      (block $done
        (block $b7 (block $b6 (block $b5 (block $b4 (block $b3 (block $b2 (block $b1 (block $b0
          (br_table $b0 $b1 $b2 $b3 $b4 $b5 $b6 $b7
            (i32.and (i32.shr_u (local.get $x) (i32.const 16)) (i32.const 7))))
          (local.set $acc (i32.add (local.get $acc) (i32.const 1))) (br $done))
          (local.set $acc (i32.add (local.get $acc) (i32.const 2))) (br $done))
          (local.set $acc (i32.xor (local.get $acc) (i32.const 3))) (br $done))
          (local.set $acc (i32.sub (local.get $acc) (i32.const 4))) (br $done))
          (local.set $acc (i32.add (local.get $acc) (i32.const 5))) (br $done))
          (local.set $acc (i32.mul (local.get $acc) (i32.const 3))) (br $done))
          (local.set $acc (i32.add (local.get $acc) (local.get $i))) (br $done))
        (local.set $acc (i32.shr_u (local.get $acc) (i32.const 1))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.get $acc)))

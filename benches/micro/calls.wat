;; Micro-benchmark guest: direct calls (a loop calling a leaf, and recursive fib) and
;; indirect calls through a table.
(module
  (type $unop (func (param i32) (result i32)))
  (table 4 funcref)
  (elem (i32.const 0) $f0 $f1 $f2 $f3)
  (func $leaf (param $a i32) (param $b i32) (result i32)
    (i32.add (i32.mul (local.get $a) (i32.const 3)) (local.get $b)))
  (func $f0 (type $unop) (i32.add (local.get 0) (i32.const 1)))
  (func $f1 (type $unop) (i32.xor (local.get 0) (i32.const 0x55)))
  (func $f2 (type $unop) (i32.mul (local.get 0) (i32.const 3)))
  (func $f3 (type $unop) (i32.sub (local.get 0) (i32.const 7)))
  ;; direct(n): n calls of $leaf
  (func (export "direct") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (loop $l
      (local.set $acc (call $leaf (local.get $acc) (local.get $i)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.get $acc))
  ;; fib(n): naive recursion
  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                     (call $fib (i32.sub (local.get $n) (i32.const 2)))))))
  ;; indirect(n): n call_indirect through the table, cycling over 4 targets
  (func (export "indirect") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (loop $l
      (local.set $acc
        (call_indirect (type $unop) (local.get $acc) (i32.and (local.get $i) (i32.const 3))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.get $acc)))

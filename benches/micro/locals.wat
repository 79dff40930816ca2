;; Micro-benchmark guest: local.get / local.set / local.tee traffic among many locals.
;; run(n) executes n iterations.
(module
  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $a i32) (local $b i32) (local $c i32) (local $d i32)
    (local $e i64) (local $f i64) (local $g i32) (local $h i32)
    (local.set $a (i32.const 1)) (local.set $b (i32.const 2))
    (local.set $c (i32.const 3)) (local.set $d (i32.const 4))
    (loop $l
      (local.set $g (local.get $a))
      (local.set $a (local.get $b))
      (local.set $b (local.get $c))
      (local.set $c (local.get $d))
      (local.set $d (i32.add (local.get $g) (local.get $i)))
      (local.set $h (local.tee $g (i32.add (local.get $a) (local.get $d))))
      (local.set $e (i64.add (local.get $f) (i64.extend_i32_u (local.get $h))))
      (local.set $f (local.get $e))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (i32.add (i32.wrap_i64 (local.get $f)) (local.get $c))))

;; Guest for interp/tests/execution_test.cpp: loops, recursion, host calls, traps.
(module
  (import "host" "next" (func $next (result i32)))
  (import "host" "log" (func $log (param i32)))
  (memory 1 4)

  ;; sum of 1..n in a loop
  (func $sum (export "sum") (param $n i32) (result i32) (local $acc i32)
    (block $done
      (loop $top
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $acc (i32.add (local.get $acc) (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $top)))
    (local.get $acc))

  (func $fib (export "fib") (param $n i32) (result i64)
    (if (result i64) (i32.lt_u (local.get $n) (i32.const 2))
      (then (i64.extend_i32_u (local.get $n)))
      (else (i64.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                     (call $fib (i32.sub (local.get $n) (i32.const 2)))))))

  ;; asks the host for n values and adds them up, logging each
  (func (export "gather") (param $n i32) (result i32) (local $acc i32) (local $v i32)
    (block $done
      (loop $top
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $v (call $next))
        (call $log (local.get $v))
        (local.set $acc (i32.add (local.get $acc) (local.get $v)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $top)))
    (local.get $acc))

  ;; counts host values until the host says 0: resumption lands on a taken br_if
  (func (export "count_until_zero") (result i32) (local $n i32)
    (block $done
      (loop $top
        (br_if $done (i32.eqz (call $next)))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $top)))
    (local.get $n))

  (func $forever (export "forever") (loop $l (br $l)))
  (func $deep (export "deep") (param i32) (result i32)
    (i32.add (i32.const 1) (call $deep (local.get 0))))

  (func $inner (i32.store (i32.const 70000) (i32.const 1)))
  (func $outer (export "oob") (call $inner))

  ;; multi-value return and a br_table
  (func (export "swap") (param i32 i32) (result i32 i32) (local.get 1) (local.get 0))
  (func (export "classify") (param i32) (result i32)
    (block $c (block $b (block $a
      (br_table $a $b $c (local.get 0)))
      (return (i32.const 100)))
      (return (i32.const 200)))
    (i32.const 300))
  ;; i32.add of a constant feeding a load wraps at 2^32 before the load's offset
  (func (export "load_wrapped") (param $x i32) (result i32)
    (i32.store (i32.const 4) (i32.const 0x11223344))
    (i32.load offset=0 (i32.add (local.get $x) (i32.const 8))))
;; i32.add of two values feeding a load wraps at 2^32 before the load's offset
  (func (export "load_add") (param $x i32) (param $y i32) (result i32)
    (i32.store (i32.const 4) (i32.const 0x11223344))
    (i32.load offset=0 (i32.add (local.get $x) (local.get $y))))
  (func (export "load8_s_add") (param $x i32) (param $y i32) (result i32)
    (i32.store8 (i32.const 9) (i32.const 0x80))
    (i32.load8_s offset=5 (i32.add (local.get $x) (local.get $y))))
  ;; ~a & b with the inverted operand on either side
  (func (export "and_not") (param $a i32) (param $b i32) (result i32 i32)
    (i32.and (i32.xor (local.get $a) (i32.const -1)) (local.get $b))
    (i32.and (local.get $b) (i32.xor (local.get $a) (i32.const -1))))
  ;; xors of rotations of one value (SHA-256's sigma functions), and of two values
  (func (export "rotations") (param $x i32) (param $y i32) (result i32 i32 i32 i32)
    (local $t i32)
    (i32.xor (i32.rotl (local.get $x) (i32.const 25)) (i32.rotl (local.get $x) (i32.const 14)))
    (i32.xor (i32.xor (i32.rotl (local.get $x) (i32.const 30)) (i32.rotl (local.get $x) (i32.const 19)))
             (i32.rotl (local.get $x) (i32.const 10)))
    (i32.xor (i32.rotl (local.get $x) (i32.const 7)) (i32.rotl (local.get $y) (i32.const 18)))
    ;; the first rotation kept in a local and used again: no fusion may lose it
    (i32.add (i32.xor (local.tee $t (i32.rotl (local.get $x) (i32.const 3))) (i32.rotl (local.get $x) (i32.const 9)))
             (local.get $t)))
  ;; i32.sub of a constant feeding a load: x - 8 wraps below 0 (to a huge address)
  (func (export "load_sub") (param $x i32) (result i32)
    (i32.store (i32.const 4) (i32.const 0x55667788))
    (i32.load offset=0 (i32.sub (local.get $x) (i32.const 8))))
  ;; sum of 1..n by recursion, each frame keeping its own n and a local across the
  ;; call (the value stack grows, and moves, many times on the way down)
  (func $rsum (export "rsum") (param $n i32) (result i64) (local $keep i64)
    (if (result i64) (i32.eqz (local.get $n))
      (then (i64.const 0))
      (else
        (local.set $keep (i64.extend_i32_u (local.get $n)))
        (i64.add (call $rsum (i32.sub (local.get $n) (i32.const 1))) (local.get $keep)))))
  ;; f64.mul fused into the add / sub that uses it (two roundings, operand order kept)
  (func (export "mul_add") (param f64 f64 f64) (result f64)
    (f64.add (f64.mul (local.get 0) (local.get 1)) (local.get 2)))
  (func (export "add_mul") (param f64 f64 f64) (result f64)
    (f64.add (local.get 2) (f64.mul (local.get 0) (local.get 1))))
  (func (export "mul_sub") (param f64 f64 f64) (result f64)
    (f64.sub (f64.mul (local.get 0) (local.get 1)) (local.get 2)))
  (func (export "sub_mul") (param f64 f64 f64) (result f64)
    (f64.sub (local.get 2) (f64.mul (local.get 0) (local.get 1))))
  (func (export "mul_add_imm") (param f64 f64 f64) (result f64)
    (f64.add (f64.mul (local.get 0) (local.get 1)) (f64.const -1)))
  ;; f64.load fused into the add / sub / mul that takes it as its right operand
  (func (export "add_load") (param i32 f64) (result f64)
    (f64.store (i32.const 16) (f64.const 0.25))
    (f64.add (local.get 1) (f64.load offset=8 (local.get 0))))
  (func (export "sub_load") (param i32 f64) (result f64)
    (f64.store (i32.const 16) (f64.const 0.25))
    (f64.sub (local.get 1) (f64.load offset=8 (local.get 0))))
  (func (export "mul_load") (param i32 f64) (result f64)
    (f64.store (i32.const 16) (f64.const 0.25))
    (f64.mul (local.get 1) (f64.load offset=8 (local.get 0))))
  ;; f64.convert_i64_u of an i64.shr_u by a constant (fused for 1..63; 64 is a shift by 0)
  (func (export "convert_shr") (param i64 i64) (result f64 f64 f64)
    (f64.convert_i64_u (i64.shr_u (local.get 0) (i64.const 11)))
    (f64.convert_i64_u (i64.shr_u (local.get 0) (i64.const 1)))
    (f64.convert_i64_u (i64.shr_u (local.get 0) (i64.const 64))))
  ;; float sub and div with a constant left operand
  (func (export "const_left") (param f64 f32) (result f64 f64 f32 f32)
    (f64.div (f64.const 1) (local.get 0))
    (f64.sub (f64.const 10) (local.get 0))
    (f32.div (f32.const 1) (local.get 1))
    (f32.sub (f32.const 10) (local.get 1)))
  ;; a + (b << 2) wraps like the separate instructions
  (func (export "add_shl") (param $a i32) (param $b i32) (result i32)
    (i32.add (local.get $a) (i32.shl (local.get $b) (i32.const 2))))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
)

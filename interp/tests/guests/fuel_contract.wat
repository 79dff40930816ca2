;; Functions for the fuel contract (execution_test.cpp, FuelContract): each mixes
;; conditional branches, calls and bulk work so that a pre-charged segment could be
;; left early, in another run than the one that charged it.
(module
  (memory 1 2)
  (table $t 4 funcref)
  (func $zero (result i32) i32.const 0)
  ;; The minimal case from issue 10: fuel 6, result 7, for every slicing.
  (func (export "call_then_if") (result i32)
    call $zero
    if i32.const 5 return end
    nop nop
    i32.const 7)
  ;; A br_if that leaves the block after 3 of its 13 instructions.
  (func (export "early_exit") (result i32)
    (block
      (br_if 0 (i32.const 1))
      nop nop nop nop nop nop nop nop nop nop)
    i32.const 3)
  ;; A loop of calls and untaken branches, with bulk fills of growing size.
  (func (export "fill_loop") (param $n i32) (result i32) (local $i i32)
    (loop $l
      (memory.fill (i32.const 0) (local.get $i) (i32.mul (local.get $i) (i32.const 97)))
      (if (i32.eq (call $zero) (i32.const 1)) (then unreachable))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (i32.load8_u (i32.const 5)))
  ;; Growth that the limits refuse costs 1 unit like any instruction.
  (func (export "grow_fails") (result i32)
    (memory.grow (i32.const -1)))
  (func (export "table_grow_fails") (result i32)
    (table.grow $t (ref.null func) (i32.const -1)))
  ;; Nested ifs with calls on both arms; the trap ends the run in the middle of a segment.
  (func $collatz (export "collatz") (param $n i32) (result i32) (local $steps i32)
    (block $done
      (loop $l
        (br_if $done (i32.le_u (local.get $n) (i32.const 1)))
        (if (i32.and (local.get $n) (i32.const 1))
          (then (local.set $n (i32.add (i32.mul (local.get $n) (i32.const 3)) (call $zero)))
                (local.set $n (i32.add (local.get $n) (i32.const 1))))
          (else (local.set $n (i32.shr_u (local.get $n) (i32.const 1)))))
        (local.set $steps (i32.add (local.get $steps) (i32.const 1)))
        (br $l)))
    (local.get $steps))
  (func (export "trap_mid_segment") (param $n i32) (result i32)
    (drop (call $collatz (local.get $n)))
    (i32.div_u (i32.const 1) (call $zero)))
  ;; Zeroing 640 declared locals (plus the frame's zero cell) costs 641/64 = 10 units.
  (func $many_locals (result i32) (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64) i32.const 1)
  (func (export "many_locals") (result i32) (call $many_locals))
  (func (export "many_locals_loop") (param $n i32) (result i32) (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (call $many_locals)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc))
  ;; SHA-2-like mixing: rotations xored, ~b & c, a load from x + y, and the loop's
  ;; variables rotated by copies just before the branch back (execution_test mirrors it).
  (func (export "mix_loop") (param $n i32) (result i32)
    (local $a i32) (local $b i32) (local $c i32) (local $d i32) (local $t i32)
    (local.set $a (i32.const 0x6a09e667)) (local.set $b (i32.const 0xbb67ae85))
    (local.set $c (i32.const 0x3c6ef372)) (local.set $d (i32.const 0xa54ff53a))
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (local.set $t (i32.add
          (i32.xor (i32.xor (i32.rotl (local.get $a) (i32.const 30)) (i32.rotl (local.get $a) (i32.const 19)))
                   (i32.rotl (local.get $a) (i32.const 10)))
          (i32.and (i32.xor (local.get $b) (i32.const -1)) (local.get $c))))
        (local.set $t (i32.add (local.get $t)
          (i32.load8_u (i32.add (local.get $n) (i32.and (local.get $d) (i32.const 31))))))
        (local.set $d (local.get $c))
        (local.set $c (local.get $b))
        (local.set $b (local.get $a))
        (local.set $a (local.get $t))
        (br $l)))
    (i32.xor (i32.xor (local.get $a) (local.get $b)) (i32.xor (local.get $c) (local.get $d))))
  (data (i32.const 0) "\01\23\45\67\89\ab\cd\ef\fe\dc\ba\98\76\54\32\10")
)

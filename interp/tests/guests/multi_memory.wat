;; Memory instructions on several memories, run by interp/tests/proposals_test.cpp
;; (wat2wasm --enable-multi-memory). Memory 0 ($a) is the run loop's register memory.
(module
  (memory $a 1)
  (memory $b 1 2)
  (memory $c 0 4)
  (data (memory $b) (i32.const 0) "\01\02\03\04")
  (data $seg "hello")

  (func (export "load_a") (param i32) (result i32) (i32.load $a (local.get 0)))
  (func (export "load_b") (param i32) (result i32) (i32.load $b (local.get 0)))
  (func (export "load8_c") (param i32) (result i32) (i32.load8_u $c (local.get 0)))
  ;; Stores 7 into $b at p and 9 into $a at p, then returns $a[p] * 100 + $b[p]: the
  ;; access to $a after one to $b must see memory 0 again.
  (func (export "store_both") (param $p i32) (result i32)
    (i64.store8 $b (local.get $p) (i64.const 7))
    (i32.store8 $a (local.get $p) (i32.const 9))
    (i32.add (i32.mul (i32.load8_u $a (local.get $p)) (i32.const 100))
             (i32.load8_u $b (local.get $p))))
  (func (export "grow_c") (param i32) (result i32) (memory.grow $c (local.get 0)))
  (func (export "size_c") (result i32) (memory.size $c))
  (func (export "size_a") (result i32) (memory.size $a))
  (func (export "copy_b_to_a") (param $dst i32) (param $src i32) (param $n i32)
    (memory.copy $a $b (local.get $dst) (local.get $src) (local.get $n)))
  (func (export "init_c") (param $dst i32) (param $src i32) (param $n i32)
    (memory.init $c $seg (local.get $dst) (local.get $src) (local.get $n)))
  (func (export "fill_b") (param $dst i32) (param $v i32) (param $n i32)
    (memory.fill $b (local.get $dst) (local.get $v) (local.get $n))))

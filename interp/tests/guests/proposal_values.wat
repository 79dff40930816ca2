;; Multi-memory, extended-const and v128 globals, decoded and instantiated by
;; interp/tests/proposals_test.cpp (wat2wasm --enable-multi-memory --enable-extended-const).
(module
  (import "env" "g" (global $g i32))
  (import "env" "mem0" (memory $m0 1))
  (import "env" "mem1" (memory $m1 1 2))
  (memory $m2 2)
  (memory $m3 (export "m3") 1 1)
  (data (memory $m3) (i32.const 10) "three")
  ;; offset g + 1
  (data (memory $m1) (i32.add (global.get $g) (i32.const 1)) "one")
  (data $passive "p")

  (global $sum (export "sum") i32 (i32.add (global.get $g) (i32.mul (i32.const 3) (i32.const 4))))
  (global $wrap (export "wrap") i32 (i32.sub (i32.const 0) (i32.const 1)))
  (global $big (export "big") i64
    (i64.sub (i64.mul (i64.const 0x100000000) (i64.const 0x100000001)) (i64.const 1)))
  (global $v (export "v") v128 (v128.const i32x4 1 2 3 4))
  (global $vm (export "vm") (mut v128) (v128.const i64x2 -1 7)))

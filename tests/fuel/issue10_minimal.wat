;; The minimal case of issue 10: with no limit, f returns 7 and consumes 6 fuel units;
;; in budgets of 1 unit it trapped with a false 'fuel exhausted' after 3 units (fuel
;; charged in one slice and refunded in the next drove the slice's usage negative).
(module
  (func $z (result i32) i32.const 0)
  (func (export "f") (result i32)
    call $z
    if i32.const 5 return end
    nop nop
    i32.const 7))

;; The smallest useful process: compute(a, b) = a * b.
(module
  (func (export "compute") (param i32 i32) (result i32)
    local.get 0 local.get 1 i32.mul))

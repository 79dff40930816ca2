;; Needs more memory than a tight limit allows.
(module (memory 100) (func (export "run") (result i32) i32.const 1))

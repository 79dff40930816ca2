;; A module for the registry tests: an exported function, a memory export (not a
;; function), and no imports.
(module
  (memory (export "memory") 1)
  (func (export "compute") (param i32 i32) (result i32)
    local.get 0
    local.get 1
    i32.mul))

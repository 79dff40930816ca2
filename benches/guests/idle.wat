;; A process that waits: one page of memory, then a host call that suspends.
(module
  (import "bench" "wait" (func $wait (result i32)))
  (memory 1)
  (func (export "run") (result i32)
    (i32.store (i32.const 0) (i32.const 1))  ;; touch the memory
    call $wait))

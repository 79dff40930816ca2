;; Calls the host function test.work for ever: no fuel is spent between calls beyond
;; the loop's few instructions, so only the host calls take time.
(module
  (import "test" "work" (func $work (result i32)))
  (func (export "work_forever") (result i32)
    (loop $again
      (drop (call $work))
      (br $again))
    (i32.const 0)))

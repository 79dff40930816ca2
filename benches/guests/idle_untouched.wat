;; A process that waits without touching its memory (16 pages, 1 MiB): what an idle
;; process costs before its linear memory is used.
(module
  (import "bench" "wait" (func $wait (result i32)))
  (memory 16)
  (func (export "run") (result i32)
    call $wait))

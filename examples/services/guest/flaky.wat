;; The services example's WASM guest. serve() works for a few slices, then traps (a
;; service the supervisor restarts with backoff); crash() traps at once (a linked
;; worker whose failure takes its linked parent down).
(module
  (func (export "serve") (local $i i32)
    (loop $work
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $work (i32.lt_u (local.get $i) (i32.const 20000))))
    unreachable)
  (func (export "crash") unreachable))

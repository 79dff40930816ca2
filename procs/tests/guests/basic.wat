;; Exports for the procs tests: arithmetic, endless loops, traps, result shapes.
(module
  (memory 1)
  (global $started (mut i32) (i32.const 0))
  (func $init (global.set $started (i32.const 7)))
  (start $init)
  (func (export "compute") (param i32 i32) (result i32)
    local.get 0 local.get 1 i32.mul)
  (func (export "started") (result i32) global.get $started)
  (func (export "spin") (loop $l br $l))
  (func (export "spin_with") (param i32) (result i32)
    (loop $l br $l) local.get 0)
  (func (export "unreachable") unreachable)
  (func (export "oob") (result i32) (i32.load (i32.const 70000)))
  (func $rec (export "recurse") (param i32) (result i32)
    local.get 0 i32.const 1 i32.add call $rec)
  (func (export "pair") (result i32 i64) i32.const -5 i64.const 9000000000)
  (func (export "nothing"))
  (func (export "addf") (param f64 f32) (result f64)
    local.get 0 local.get 1 f64.promote_f32 f64.add)
  (func (export "echo64") (param i64) (result i64) local.get 0)
  ;; Counts down from n: about 4 fuel units per iteration.
  (func (export "count") (param i32) (result i32)
    (loop $l
      local.get 0 i32.const 1 i32.sub local.tee 0
      br_if $l)
    local.get 0)
  (func (export "grow") (param i32) (result i32) local.get 0 memory.grow)
)

;; A stateless module (no memory, table, global or import): a finished process's
;; instance is reused for the next process of this module on the same thread.
(module
  (func (export "compute") (param i32 i32) (result i32)
    local.get 0 local.get 1 i32.mul)
  ;; Counts down from n: about 4 fuel units per iteration.
  (func (export "count") (param i32) (result i32)
    (loop $l
      local.get 0 i32.const 1 i32.sub local.tee 0
      br_if $l)
    local.get 0)
  ;; Recurses n levels deep.
  (func $depth (export "depth") (param i32) (result i32)
    local.get 0
    if (result i32)
      local.get 0 i32.const 1 i32.sub call $depth
    else
      i32.const 0
    end)
  (func (export "unreachable") unreachable)
)

;; Imports of every number type, several results and none, for the typed Linker test:
;; it instantiates only if each derived signature is exactly the imported one.
(module
  (import "m" "mix" (func $mix (param i32 i64 i64 f32 f64) (result f32)))
  (import "m" "pair" (func $pair (result i32 f64)))
  (import "m" "note" (func $note (param i32)))
  (func (export "mix") (param i32 i64 i64 f32 f64) (result f32)
    local.get 0 local.get 1 local.get 2 local.get 3 local.get 4 call $mix)
  (func (export "pair") (result i32 f64) call $pair)
  (func (export "note") (param i32) local.get 0 call $note)
)

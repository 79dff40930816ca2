;; canon lift of a core function whose type is not the flattened signature:
;; func(a: u64) -> u32 needs [i64] -> [i32], the core function is [i32] -> [i32].
(component
  (core module $m (func (export "f") (param i32) (result i32) local.get 0))
  (core instance $i (instantiate $m))
  (func (export "f") (param "a" u64) (result u32) (canon lift (core func $i "f")))
)

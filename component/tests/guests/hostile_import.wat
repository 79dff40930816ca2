;; A guest that calls a host function with a list that points outside its memory:
;; the canon lower side of the bounds checks.
(component
  (import "test:hostile/host" (instance $h (export "take" (func (param "xs" (list u32))))))
  (core module $memory_module (memory (export "memory") 1))
  (core instance $memory_instance (instantiate $memory_module))
  (alias core export $memory_instance "memory" (core memory $mem))
  (alias export $h "take" (func $take))
  (core func $take_lowered (canon lower (func $take) (memory $mem)))
  (core instance $env (export "take" (func $take_lowered)))
  (core module $main
    (import "env" "take" (func $take (param i32 i32)))
    (func (export "bad-list-to-host") (call $take (i32.const 0xfff0) (i32.const 100)))
    (func (export "good-list-to-host") (call $take (i32.const 0) (i32.const 2))))
  (core instance $i (instantiate $main (with "env" (instance $env))))
  (func (export "bad-list-to-host") (canon lift (core func $i "bad-list-to-host")))
  (func (export "good-list-to-host") (canon lift (core func $i "good-list-to-host")))
)

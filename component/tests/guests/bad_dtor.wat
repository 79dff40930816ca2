;; A resource whose destructor does not have the type [i32] -> [].
(component
  (core module $m (func (export "d") (param i64)))
  (core instance $i (instantiate $m))
  (alias core export $i "d" (core func $d))
  (type $r (resource (rep i32) (dtor (core func $d))))
)

;; A core module whose start function traps while the component is instantiated.
(component
  (core module $m (func $boom unreachable) (start $boom))
  (core instance $i (instantiate $m))
)

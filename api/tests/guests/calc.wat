;; The guest of the public API tests and the Lua module tests: arithmetic of every
;; number type, host imports, memory, a long loop, and one trap of each kind.
(module
  (import "env" "log" (func $log (param i32)))
  (import "env" "add" (func $host_add (param i32 i32) (result i32)))
  (memory (export "memory") 1 4)
  (data (i32.const 16) "hello")
  (table 1 funcref)

  (func (export "add") (param i32 i32) (result i32)
    local.get 0 local.get 1 i32.add)
  (func (export "add64") (param i64 i64) (result i64)
    local.get 0 local.get 1 i64.add)
  (func (export "mul32") (param f32 f32) (result f32)
    local.get 0 local.get 1 f32.mul)
  (func (export "mul64") (param f64 f64) (result f64)
    local.get 0 local.get 1 f64.mul)
  (func (export "divmod") (param i32 i32) (result i32 i32)
    local.get 0 local.get 1 i32.div_s
    local.get 0 local.get 1 i32.rem_s)
  (func (export "log") (param i32)
    local.get 0 call $log)

  ;; acc = host add(acc, i) for i in 0..n-1: n host calls
  (func (export "host_sum") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc (call $host_add (local.get $acc) (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    local.get $acc)

  ;; 0 + 1 + ... + (n-1), a few instructions per step
  (func (export "count") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc (i32.add (local.get $acc) (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    local.get $acc)

  ;; bytes [p, p+len) summed
  (func (export "sum_bytes") (param $p i32) (param $len i32) (result i32)
    (local $acc i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $len)))
        (local.set $acc (i32.add (local.get $acc) (i32.load8_u (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (local.set $len (i32.sub (local.get $len) (i32.const 1)))
        (br $next)))
    local.get $acc)

  (func (export "grow") (param i32) (result i32)
    local.get 0 memory.grow)
  (func (export "unreachable") unreachable)
  (func (export "div") (param i32 i32) (result i32)
    local.get 0 local.get 1 i32.div_s)
  (func (export "oob") (result i32)
    i32.const -1 i32.load)
  (func $recurse (export "recurse") (param i32) (result i32)
    local.get 0 i32.const 1 i32.add call $recurse)
  (func (export "to_int") (param f64) (result i32)
    local.get 0 i32.trunc_f64_s)
  (func (export "call_null") (result i32)
    i32.const 0 call_indirect (result i32))
  (global (export "counter") (mut i64) (i64.const 0))
)

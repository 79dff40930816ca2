;; A component whose guest misbehaves at the canonical ABI boundary: allocators
;; that return bad pointers or trap, lists and strings that are misaligned or too
;; long, return areas outside memory, a trapping post-return. Written in the
;; component text format (jco parse, i.e. wasm-tools) because a C toolchain would
;; not produce these.
(component
  (core module $m
    (memory (export "memory") 1)
    ;; allocators
    (func (export "realloc-outside") (param i32 i32 i32 i32) (result i32) i32.const 0x7ffffff0)
    (func (export "realloc-misaligned") (param i32 i32 i32 i32) (result i32) i32.const 1)
    (func (export "realloc-trap") (param i32 i32 i32 i32) (result i32) unreachable)
    ;; lowering targets
    (func (export "take-string") (param i32 i32))
    (func (export "take-list") (param i32 i32))
    ;; return areas at 64: (ptr, len) pairs written by data segments below
    (func (export "misaligned-list") (result i32) i32.const 64)
    (func (export "huge-list") (result i32) i32.const 72)
    (func (export "huge-string") (result i32) i32.const 80)
    (func (export "string-past-end") (result i32) i32.const 88)
    (func (export "retptr-outside") (result i32) i32.const 0xfffffff8)
    (func (export "retptr-misaligned") (result i32) i32.const 4)
    (func (export "two-as-bool") (result i32) i32.const 2)
    (func (export "trap") (param i32) unreachable)
    (func (export "answer") (result i32) i32.const 42)
    (func (export "all-bits") (result i32) i32.const -1)
    (data (i32.const 64) "\02\00\00\00\01\00\00\00")      ;; list<u32> at 0x2, 1 element
    (data (i32.const 72) "\00\00\00\00\00\00\00\10")      ;; list<u64> of 2^28 elements
    (data (i32.const 80) "\00\00\00\00\00\00\00\10")      ;; string of 2^28 bytes
    (data (i32.const 88) "\f0\ff\00\00\20\00\00\00")      ;; 32 bytes at 0xfff0 (memory ends at 0x10000)
  )
  (core instance $i (instantiate $m))
  (alias core export $i "memory" (core memory $mem))

  (func (export "string-realloc-outside") (param "s" string)
    (canon lift (core func $i "take-string") (memory $mem) (realloc (core func $i "realloc-outside"))))
  (func (export "list-realloc-misaligned") (param "xs" (list u32))
    (canon lift (core func $i "take-list") (memory $mem) (realloc (core func $i "realloc-misaligned"))))
  (func (export "string-realloc-trap") (param "s" string)
    (canon lift (core func $i "take-string") (memory $mem) (realloc (core func $i "realloc-trap"))))
  (func (export "misaligned-list") (result (list u32))
    (canon lift (core func $i "misaligned-list") (memory $mem)))
  (func (export "huge-list") (result (list u64))
    (canon lift (core func $i "huge-list") (memory $mem)))
  (func (export "huge-string") (result string)
    (canon lift (core func $i "huge-string") (memory $mem)))
  (func (export "string-past-end") (result string)
    (canon lift (core func $i "string-past-end") (memory $mem)))
  (func (export "retptr-outside") (result (tuple u64 u64))
    (canon lift (core func $i "retptr-outside") (memory $mem)))
  (func (export "retptr-misaligned") (result (tuple u64 u64))
    (canon lift (core func $i "retptr-misaligned") (memory $mem)))
  (func (export "two-as-bool") (result bool)
    (canon lift (core func $i "two-as-bool")))
  ;; a guest that makes resource handles without end
  (type $res (resource (rep i32)))
  (core func $new (canon resource.new $res))
  (core instance $rn (export "new" (func $new)))
  (core module $loop
    (import "r" "new" (func $new (param i32) (result i32)))
    (func (export "many-handles") (local $i i32)
      (loop $l
        (drop (call $new (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (i32.const 2000000))))))
  (core instance $li (instantiate $loop (with "r" (instance $rn))))
  (func (export "many-handles") (canon lift (core func $li "many-handles")))

  (type $ab (flags "a" "b"))
  (func (export "flags-extra-bits") (result $ab)
    (canon lift (core func $i "all-bits")))
  (func (export "post-return-traps") (result u32)
    (canon lift (core func $i "answer") (post-return (core func $i "trap"))))
)

;; Control paths that leave a straight-line segment early (the fuel of a segment may be
;; charged up front and must be refunded for what did not run), traps in the middle of a
;; segment, loops, calls and bulk-memory operations whose cost grows with their size.
;; tests/fuel_contract_test.cpp runs each export unsliced, in many budget sizes and
;; under a fuel limit equal to the measured consumption and one unit less.
(module
  (type $to_i32 (func (result i32)))
  (memory 16)  ;; 1 MiB: a fill of 1,000,000 bytes costs more than budgets of 100 and 10,000
  (table 2 funcref)
  (elem (i32.const 0) $seven $zero)
  (data $bytes "0123456789abcdefghijklmnopqrstuvwxyz")

  (func $zero (result i32) i32.const 0)
  (func $seven (result i32) i32.const 7)

  ;; return from the start of a long segment
  (func (export "early_return") (param i32) (result i32)
    local.get 0
    if i32.const 5 return end
    nop nop nop nop nop nop nop nop nop nop
    i32.const 7)

  ;; br_if out of a block before most of its instructions
  (func (export "br_if_out") (param i32) (result i32)
    (local i32)
    block $out
      local.get 0
      br_if $out
      i32.const 1 local.set 1
      i32.const 2 local.set 1
      i32.const 3 local.set 1
      i32.const 4 local.set 1
    end
    local.get 1)

  ;; br_table into different depths
  (func (export "br_table") (param i32) (result i32)
    block $a
      block $b
        block $c
          local.get 0
          br_table $a $b $c
        end
        i32.const 3 return
      end
      i32.const 2 return
    end
    nop nop nop nop
    i32.const 1)

  ;; a trap after some instructions of a segment, before others
  (func (export "trap_mid_segment") (param i32) (result i32)
    nop nop nop
    local.get 0
    i32.const 0
    i32.div_u
    nop nop nop)

  ;; unreachable in a callee after the caller charged its segment
  (func $boom (result i32) nop unreachable)
  (func (export "trap_in_callee") (result i32)
    call $boom
    i32.const 1
    i32.add)

  ;; a counted loop
  (func (export "loop_sum") (param i32) (result i32)
    (local i32)
    block $done
      loop $next
        local.get 0
        i32.eqz
        br_if $done
        local.get 1 local.get 0 i32.add local.set 1
        local.get 0 i32.const 1 i32.sub local.set 0
        br $next
      end
    end
    local.get 1)

  ;; recursion with early returns at every level
  (func $fac (export "fac") (param i64) (result i64)
    local.get 0
    i64.const 1
    i64.le_s
    if i64.const 1 return end
    local.get 0
    local.get 0 i64.const 1 i64.sub
    call $fac
    i64.mul)

  ;; call_indirect, then a trap when the index is out of the table
  (func (export "indirect") (param i32) (result i32)
    local.get 0
    call_indirect (type $to_i32)
    i32.const 1
    i32.add)

  ;; bulk memory: cost proportional to the length, then a load of what was written
  (func (export "memory_fill") (param i32) (result i32)
    i32.const 0
    i32.const 0xab
    local.get 0
    memory.fill
    i32.const 0
    i32.load8_u)

  (func (export "memory_copy") (param i32) (result i32)
    i32.const 0 i32.const 0x5a i32.const 4096 memory.fill
    i32.const 8192
    i32.const 0
    local.get 0
    memory.copy
    i32.const 8192
    i32.load8_u)

  (func (export "memory_init") (param i32) (result i32)
    i32.const 100
    i32.const 0
    local.get 0
    memory.init $bytes
    i32.const 100
    i32.load)

  ;; an out-of-bounds fill traps before writing
  (func (export "memory_fill_oob") (result i32)
    i32.const 1048000 i32.const 1 i32.const 1000 memory.fill
    i32.const 1)

  ;; failed grows return -1 and must not charge the per-page fuel
  (func (export "memory_grow_fail") (result i32)
    i32.const -1
    memory.grow)

  (func (export "table_grow_fail") (result i32)
    ref.null func
    i32.const -1
    table.grow 0)
;; Found by tests/differential (seed 3, func_9, reduced with wasm-reduce): a loop
  ;; whose body calls a function and returns early from a nested block trapped with a
  ;; false 'fuel exhausted' at budgets 1 and 7, and under --fuel equal to its consumption.
  (global $countdown (mut i32) (i32.const 10))
  (func $callee)
  (func (export "countdown") (result i32)
    loop $again
      global.get $countdown
      i32.const 1
      i32.sub
      global.set $countdown
      block
        global.get $countdown
        i32.eqz
        if i32.const 0 return end
        call $callee
        nop
        nop
      end
      nop
      nop
      i32.const 1
      br_if $again
    end
    i32.const 1)
)

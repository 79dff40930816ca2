;; Tail calls (return_call, return_call_indirect): endless-style tail recursion in
;; constant frame and value stack, argument moves, host and cross-instance callees.
;; Imports: host.next (suspends, -> i32), host.add (i32 i32 -> i32),
;; other.peek (i32 -> i32: a byte of the other instance's memory), other.count
;; (i64 -> i64: counts down by tail calls inside the other instance).
(module
  (type $pred (func (param i64) (result i32)))
  (import "host" "next" (func $next (result i32)))
  (import "host" "add" (func $add (param i32 i32) (result i32)))
  (import "other" "peek" (func $peek (param i32) (result i32)))
  (import "other" "count" (func $count_other (param i64) (result i64)))
  (memory 1)
  (data (i32.const 0) "\07\08\09")
  (table $preds funcref (elem $even_i $odd_i $next $peek))

  ;; Mutual recursion by return_call: 1 if n is even.
  (func $even (export "even") (param $n i64) (result i32)
    (if (result i32) (i64.eqz (local.get $n))
      (then (i32.const 1))
      (else (return_call $odd (i64.sub (local.get $n) (i64.const 1))))))
  (func $odd (param $n i64) (result i32)
    (if (result i32) (i64.eqz (local.get $n))
      (then (i32.const 0))
      (else (return_call $even (i64.sub (local.get $n) (i64.const 1))))))

  ;; The same through the table (element 0 is even_i, 1 is odd_i).
  (func $even_i (export "even_indirect") (param $n i64) (result i32)
    (if (result i32) (i64.eqz (local.get $n))
      (then (i32.const 1))
      (else (return_call_indirect $preds (type $pred)
              (i64.sub (local.get $n) (i64.const 1)) (i32.const 1)))))
  (func $odd_i (param $n i64) (result i32)
    (if (result i32) (i64.eqz (local.get $n))
      (then (i32.const 0))
      (else (return_call_indirect $preds (type $pred)
              (i64.sub (local.get $n) (i64.const 1)) (i32.const 0)))))

  ;; Called from a frame below, so the tail calls' results return into a caller.
  (func (export "even_plus_10") (param i64) (result i32)
    (i32.add (call $even (local.get 0)) (i32.const 10)))

  ;; Arguments that trade places (the moves overlap), with a local that must be
  ;; zeroed at each entry.
  (func $swap (export "swap") (param $a i64) (param $b i64) (param $n i32) (result i64)
    (local $scratch i64)
    (local.set $scratch (i64.add (local.get $scratch) (i64.const 1)))
    (if (result i64) (i32.eqz (local.get $n))
      (then (i64.add (i64.mul (local.get $a) (i64.const 1000))
                     (i64.add (local.get $b) (i64.mul (local.get $scratch) (i64.const 1000000)))))
      (else (return_call $swap (local.get $b) (local.get $a) (i32.sub (local.get $n) (i32.const 1))))))

  ;; A callee with a much larger frame than the caller (the value stack must grow).
  (func $wide (param $x i32) (result i32)
    (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)
    (i32.add (local.get $x) (i32.const 1)))
  (func (export "to_wide") (param i32) (result i32)
    (return_call $wide (local.get 0)))

  ;; Host callees: host.next suspends; host.add returns at once.
  (func $tail_next (export "tail_next") (result i32)
    (return_call $next))
  (func (export "tail_next_plus_1") (result i32)
    (i32.add (call $tail_next) (i32.const 1)))
  (func (export "tail_add") (param i32 i32) (result i32)
    (return_call $add (local.get 0) (local.get 1)))
  (func (export "tail_next_indirect") (result i32)
    (return_call_indirect $preds (result i32) (i32.const 2)))

  ;; Another instance: its function reads its own memory; after it returns, the
  ;; caller reads this instance's memory again.
  (func $tail_peek (export "tail_peek") (param i32) (result i32)
    (return_call $peek (local.get 0)))
  (func (export "peek_both") (param i32) (result i32)
    (i32.add (i32.mul (call $tail_peek (local.get 0)) (i32.const 100))
             (i32.load8_u (local.get 0))))
  (func (export "tail_peek_indirect") (param i32) (result i32)
    (return_call_indirect $preds (param i32) (result i32) (local.get 0) (i32.const 3)))
  (func (export "count_other") (param i64) (result i64)
    (return_call $count_other (local.get 0)))

  ;; call_indirect's checks, unchanged for the tail form.
  (func (export "bad_index") (result i32)
    (return_call_indirect $preds (type $pred) (i64.const 0) (i32.const 99)))
  (func (export "bad_type") (result i32)
    (return_call_indirect $preds (param i32) (result i32) (i32.const 0) (i32.const 0)))

  ;; A trap after a tail call: the backtrace shows the callee where the caller was.
  (func $boom (param i32) (result i32)
    (i32.div_u (i32.const 1) (local.get 0)))
  (func $tail_boom (result i32)
    (return_call $boom (i32.const 0)))
  (func $outer (export "outer") (result i32)
    (call $tail_boom))
)

;; The LSTM's forward gate step in WebAssembly with 128-bit SIMD, two units at a time in float64 lanes
;; (lstm-kernels.ts states the contract). Addresses are in bytes; storage is float32, arithmetic float64,
;; as in the JavaScript step it replaces. WebAssembly has no exp instruction: `$exp` and `$expm1` reduce
;; x = k·ln2 + r (|r| ≤ ln2/2, ln2 split in two constants, Cody-Waite) and sum e^r - 1 as its Taylor
;; polynomial of degree 13 (truncation below 2⁻⁵⁶ relative, Estrin's scheme), then scale by 2^k through the exponent bits.
;; packages/ml/scripts/cnn-lstm-attention-kernels.ts compiles it (wabt's wat2wasm) into lstm-kernels-wasm.ts.
(module
  (memory (export "memory") 1)

  ;; k = nearest(x / ln2), as an integer in int64 lanes, and r = x - k·ln2 (as two products: k·LN2_HI is
  ;; exact for |k| < 2^21). Rounding to an integer adds 1.5·2⁵², which leaves k in the low bits.
  (func $reduce (param $x v128) (result v128 v128)
    (local $t v128) (local $k v128)
    (local.set $t (f64x2.add (f64x2.mul (local.get $x) (v128.const f64x2 1.4426950408889634 1.4426950408889634))
                             (v128.const f64x2 6755399441055744 6755399441055744)))
    (local.set $k (f64x2.sub (local.get $t) (v128.const f64x2 6755399441055744 6755399441055744)))
    (i64x2.sub (local.get $t) (v128.const f64x2 6755399441055744 6755399441055744))
    (f64x2.sub
      (f64x2.sub (local.get $x) (f64x2.mul (local.get $k) (v128.const f64x2 6.93147180369123816490e-01 6.93147180369123816490e-01)))
      (f64x2.mul (local.get $k) (v128.const f64x2 1.90821492927058770002e-10 1.90821492927058770002e-10))))

  ;; e^r - 1 for |r| ≤ ln2/2: r + r²·P(r), P(r) = 1/2! + r/3! + … + r¹¹/13! by Estrin's scheme (pairs,
  ;; then pairs of pairs by r², r⁴, r⁸): a chain of four products instead of Horner's eleven. The last step
  ;; adds a small correction to r, exactly represented.
  (func $poly (param $r v128) (result v128)
    (local $r2 v128) (local $r4 v128) (local $a v128) (local $b v128) (local $c v128) (local $d v128) (local $e v128) (local $f v128)
    (local.set $r2 (f64x2.mul (local.get $r) (local.get $r)))
    (local.set $r4 (f64x2.mul (local.get $r2) (local.get $r2)))
    ;; 1/2! + r/3!, 1/4! + r/5!, …, 1/12! + r/13!
    (local.set $a (f64x2.add (v128.const f64x2 0.5 0.5) (f64x2.mul (local.get $r) (v128.const f64x2 1.6666666666666666e-01 1.6666666666666666e-01))))
    (local.set $b (f64x2.add (v128.const f64x2 4.1666666666666664e-02 4.1666666666666664e-02) (f64x2.mul (local.get $r) (v128.const f64x2 8.333333333333333e-03 8.333333333333333e-03))))
    (local.set $c (f64x2.add (v128.const f64x2 1.388888888888889e-03 1.388888888888889e-03) (f64x2.mul (local.get $r) (v128.const f64x2 1.984126984126984e-04 1.984126984126984e-04))))
    (local.set $d (f64x2.add (v128.const f64x2 2.48015873015873e-05 2.48015873015873e-05) (f64x2.mul (local.get $r) (v128.const f64x2 2.7557319223985893e-06 2.7557319223985893e-06))))
    (local.set $e (f64x2.add (v128.const f64x2 2.755731922398589e-07 2.755731922398589e-07) (f64x2.mul (local.get $r) (v128.const f64x2 2.505210838544172e-08 2.505210838544172e-08))))
    (local.set $f (f64x2.add (v128.const f64x2 2.08767569878681e-09 2.08767569878681e-09) (f64x2.mul (local.get $r) (v128.const f64x2 1.6059043836821613e-10 1.6059043836821613e-10))))
    ;; (a + b r²) + (c + d r²) r⁴ + (e + f r²) r⁸
    (local.set $a (f64x2.add (local.get $a) (f64x2.mul (local.get $b) (local.get $r2))))
    (local.set $c (f64x2.add (local.get $c) (f64x2.mul (local.get $d) (local.get $r2))))
    (local.set $e (f64x2.add (local.get $e) (f64x2.mul (local.get $f) (local.get $r2))))
    (local.set $a (f64x2.add (local.get $a)
      (f64x2.mul (local.get $r4) (f64x2.add (local.get $c) (f64x2.mul (local.get $e) (local.get $r4))))))
    (f64x2.add (local.get $r) (f64x2.mul (local.get $r2) (local.get $a))))

  ;; 2^k for k in [-1022, 1023] in int64 lanes: the exponent bits.
  (func $pow2 (param $k v128) (result v128)
    (i64x2.shl (i64x2.add (local.get $k) (v128.const i64x2 1023 1023)) (i32.const 52)))

  ;; e^x. x is clamped to [-746, 710], where e^x is already 0 or infinite in float64; 2^k is applied as
  ;; two factors so that k in [-1076, 1025] neither overflows nor underflows the exponent bits early.
  (func $exp (param $x v128) (result v128)
    (local $k v128) (local $r v128) (local $h v128)
    (local.set $x (f64x2.pmin (f64x2.pmax (local.get $x) (v128.const f64x2 -746 -746)) (v128.const f64x2 710 710)))
    (call $reduce (local.get $x))
    (local.set $r)
    (local.set $k)
    (local.set $h (i64x2.shr_s (local.get $k) (i32.const 1)))
    (f64x2.mul
      (f64x2.mul
        (f64x2.add (call $poly (local.get $r)) (v128.const f64x2 1 1))
        (call $pow2 (local.get $h)))
      (call $pow2 (i64x2.sub (local.get $k) (local.get $h)))))

  ;; 1 / (1 + e^-z)
  (func $sigmoid (param $z v128) (result v128)
    (f64x2.div (v128.const f64x2 1 1)
      (f64x2.add (v128.const f64x2 1 1) (call $exp (f64x2.neg (local.get $z))))))

  ;; tanh |z| as fdlibm writes it, from m = e^y - 1 = 2^k·(e^r - 1) + (2^k - 1): below |z| = 1, y = -2|z| and
  ;; tanh = -m / (m + 2); from 1 on, y = 2|z| and tanh = 1 - 2 / (m + 2); y is clamped to 40, where tanh is
  ;; 1 in float64. The sign of z is then copied.
  (func $tanh (param $z v128) (result v128)
    (local $a v128) (local $small v128) (local $k v128) (local $r v128) (local $s v128) (local $m v128) (local $d v128)
    (local.set $a (f64x2.abs (local.get $z)))
    (local.set $small (f64x2.lt (local.get $a) (v128.const f64x2 1 1)))
    (call $reduce (v128.bitselect
      (f64x2.neg (f64x2.add (local.get $a) (local.get $a)))
      (f64x2.pmin (f64x2.add (local.get $a) (local.get $a)) (v128.const f64x2 40 40))
      (local.get $small)))
    (local.set $r)
    (local.set $k)
    (local.set $s (call $pow2 (local.get $k)))
    (local.set $m (f64x2.add (f64x2.mul (local.get $s) (call $poly (local.get $r))) (f64x2.sub (local.get $s) (v128.const f64x2 1 1))))
    (local.set $d (f64x2.add (local.get $m) (v128.const f64x2 2 2)))
    (v128.or
      (v128.bitselect
        (f64x2.div (f64x2.neg (local.get $m)) (local.get $d))
        (f64x2.sub (v128.const f64x2 1 1) (f64x2.div (v128.const f64x2 2 2) (local.get $d)))
        (local.get $small))
      (v128.and (local.get $z) (v128.const i64x2 0x8000000000000000 0x8000000000000000))))

  ;; Two float32 values at $p as float64 lanes.
  (func $load2 (param $p i32) (result v128)
    (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (local.get $p))))

  ;; Two float64 lanes rounded to float32 at $p.
  (func $store2 (param $p i32) (param $v v128)
    (v128.store64_lane align=4 0 (local.get $p) (f32x4.demote_f64x2_zero (local.get $v))))

  ;; One direction's step over a batch, in place: gates [batch, 4u] holds the pre-activations (input
  ;; products and bias) and receives the activated gates i, f, g, o; r [batch, 4u] the recurrent products
  ;; (read only when $first is 0); cellPrev the previous cells; cell, tcell, hidden [batch, u] receive
  ;; c = f·c_prev + i·g (i·g on the first step), tanh c and o·tanh c. u is even; scratch (16-byte aligned)
  ;; holds 2u float64 values. Each row runs in two passes, the gates and cells, then tanh of the cells and
  ;; the states, so that the units of a pass are independent chains the processor overlaps.
  (func (export "forward_step")
    (param $gates i32) (param $r i32) (param $cellPrev i32) (param $cell i32) (param $tcell i32) (param $hidden i32)
    (param $batch i32) (param $u i32) (param $first i32) (param $scratch i32)
    (local $b i32) (local $j i32) (local $ub i32) (local $row i32) (local $rRow i32) (local $o i32) (local $s i32)
    (local $zi v128) (local $zf v128) (local $zg v128) (local $zo v128) (local $c v128) (local $tc v128)
    (local.set $ub (i32.shl (local.get $u) (i32.const 2)))
    (local.set $b (i32.const 0))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $b) (local.get $batch)))
        (local.set $row (i32.add (local.get $gates) (i32.mul (local.get $b) (i32.shl (local.get $ub) (i32.const 2)))))
        (local.set $rRow (i32.add (local.get $r) (i32.mul (local.get $b) (i32.shl (local.get $ub) (i32.const 2)))))
        ;; pass 1: the gates, and the cells in float64 into scratch[0, u), o into scratch[u, 2u)
        (local.set $j (i32.const 0))
        (block $units_done
          (loop $units
            (br_if $units_done (i32.ge_u (local.get $j) (local.get $ub)))
            (local.set $zi (call $load2 (i32.add (local.get $row) (local.get $j))))
            (local.set $zf (call $load2 (i32.add (i32.add (local.get $row) (local.get $ub)) (local.get $j))))
            (local.set $zg (call $load2 (i32.add (i32.add (local.get $row) (i32.shl (local.get $ub) (i32.const 1))) (local.get $j))))
            (local.set $zo (call $load2 (i32.add (i32.add (local.get $row) (i32.mul (local.get $ub) (i32.const 3))) (local.get $j))))
            (if (i32.eqz (local.get $first))
              (then
                (local.set $zi (f64x2.add (local.get $zi) (call $load2 (i32.add (local.get $rRow) (local.get $j)))))
                (local.set $zf (f64x2.add (local.get $zf) (call $load2 (i32.add (i32.add (local.get $rRow) (local.get $ub)) (local.get $j)))))
                (local.set $zg (f64x2.add (local.get $zg) (call $load2 (i32.add (i32.add (local.get $rRow) (i32.shl (local.get $ub) (i32.const 1))) (local.get $j)))))
                (local.set $zo (f64x2.add (local.get $zo) (call $load2 (i32.add (i32.add (local.get $rRow) (i32.mul (local.get $ub) (i32.const 3))) (local.get $j)))))))
            (local.set $zi (call $sigmoid (local.get $zi)))
            (local.set $zf (call $sigmoid (local.get $zf)))
            (local.set $zg (call $tanh (local.get $zg)))
            (local.set $zo (call $sigmoid (local.get $zo)))
            ;; the unit's offset in the [batch, u] arrays
            (local.set $o (i32.add (i32.mul (local.get $b) (local.get $ub)) (local.get $j)))
            (local.set $c (f64x2.mul (local.get $zi) (local.get $zg)))
            (if (i32.eqz (local.get $first))
              (then
                (local.set $c (f64x2.add
                  (f64x2.mul (local.get $zf) (call $load2 (i32.add (local.get $cellPrev) (local.get $o))))
                  (local.get $c)))))
            (call $store2 (i32.add (local.get $row) (local.get $j)) (local.get $zi))
            (call $store2 (i32.add (i32.add (local.get $row) (local.get $ub)) (local.get $j)) (local.get $zf))
            (call $store2 (i32.add (i32.add (local.get $row) (i32.shl (local.get $ub) (i32.const 1))) (local.get $j)) (local.get $zg))
            (call $store2 (i32.add (i32.add (local.get $row) (i32.mul (local.get $ub) (i32.const 3))) (local.get $j)) (local.get $zo))
            (call $store2 (i32.add (local.get $cell) (local.get $o)) (local.get $c))
            ;; float64 scratch: byte offset 2j
            (local.set $s (i32.add (local.get $scratch) (i32.shl (local.get $j) (i32.const 1))))
            (v128.store (local.get $s) (local.get $c))
            (v128.store (i32.add (local.get $s) (i32.shl (local.get $ub) (i32.const 1))) (local.get $zo))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $units)))
        ;; pass 2: tanh of the cells and the states
        (local.set $j (i32.const 0))
        (block $tanh_done
          (loop $tanh
            (br_if $tanh_done (i32.ge_u (local.get $j) (local.get $ub)))
            (local.set $o (i32.add (i32.mul (local.get $b) (local.get $ub)) (local.get $j)))
            (local.set $s (i32.add (local.get $scratch) (i32.shl (local.get $j) (i32.const 1))))
            (local.set $tc (call $tanh (v128.load (local.get $s))))
            (call $store2 (i32.add (local.get $tcell) (local.get $o)) (local.get $tc))
            (call $store2 (i32.add (local.get $hidden) (local.get $o))
              (f64x2.mul (v128.load (i32.add (local.get $s) (i32.shl (local.get $ub) (i32.const 1)))) (local.get $tc)))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $tanh)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $rows))))

  ;; dst[e] = f(src[e]) over n float64 values (n even) for f = e^x (0), the sigmoid (1), tanh (2): the
  ;; functions above, for tests against JavaScript's Math.
  (func (export "map_f64") (param $f i32) (param $src i32) (param $dst i32) (param $n i32)
    (local $e i32) (local $x v128)
    (local.set $e (i32.const 0))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $e) (i32.shl (local.get $n) (i32.const 3))))
        (local.set $x (v128.load align=8 (i32.add (local.get $src) (local.get $e))))
        (v128.store align=8 (i32.add (local.get $dst) (local.get $e))
          (if (result v128) (i32.eqz (local.get $f))
            (then (call $exp (local.get $x)))
            (else (if (result v128) (i32.eq (local.get $f) (i32.const 1))
              (then (call $sigmoid (local.get $x)))
              (else (call $tanh (local.get $x)))))))
        (local.set $e (i32.add (local.get $e) (i32.const 16)))
        (br $each))))
)

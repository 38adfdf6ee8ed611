;; FusedAdam's update in WebAssembly with 128-bit SIMD: four float32 weights at a time, each operation a
;; float32 operation rounded as tfjs' kernels round it (fused-adam.ts states the formula), so the result is
;; bit for bit that of the JavaScript loop with Math.fround after every operation. Addresses are in bytes.
;; packages/ml/scripts/cnn-lstm-attention-kernels.ts compiles it (wabt's wat2wasm) into adam-kernels-wasm.ts.
(module
  (memory (export "memory") 1)

  ;; m ← m·β₁ + g·(1 − β₁); v ← v·β₂ + g²·(1 − β₂); w ← (m / bias1) / (√(v / bias2) + ε) · (−lr) + w, over n
  ;; values of m, v, g and w in place.
  (func (export "adam")
    (param $m i32) (param $v i32) (param $g i32) (param $w i32) (param $n i32)
    (param $beta1 f32) (param $beta2 f32) (param $omb1 f32) (param $omb2 f32) (param $bias1 f32) (param $bias2 f32)
    (param $eps f32) (param $rate f32)
    (local $e i32) (local $end i32) (local $vend i32)
    (local $b1 v128) (local $b2 v128) (local $o1 v128) (local $o2 v128) (local $c1 v128) (local $c2 v128) (local $ep v128) (local $r v128)
    (local $gi v128) (local $mi v128) (local $vi v128)
    (local $gs f32) (local $ms f32) (local $vs f32)
    (local.set $b1 (f32x4.splat (local.get $beta1)))
    (local.set $b2 (f32x4.splat (local.get $beta2)))
    (local.set $o1 (f32x4.splat (local.get $omb1)))
    (local.set $o2 (f32x4.splat (local.get $omb2)))
    (local.set $c1 (f32x4.splat (local.get $bias1)))
    (local.set $c2 (f32x4.splat (local.get $bias2)))
    (local.set $ep (f32x4.splat (local.get $eps)))
    (local.set $r (f32x4.splat (local.get $rate)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vend (i32.and (local.get $end) (i32.const -16)))
    (local.set $e (i32.const 0))
    (block $vectors_done
      (loop $vectors
        (br_if $vectors_done (i32.ge_u (local.get $e) (local.get $vend)))
        (local.set $gi (v128.load align=4 (i32.add (local.get $g) (local.get $e))))
        (local.set $mi (f32x4.add
          (f32x4.mul (v128.load align=4 (i32.add (local.get $m) (local.get $e))) (local.get $b1))
          (f32x4.mul (local.get $gi) (local.get $o1))))
        (local.set $vi (f32x4.add
          (f32x4.mul (v128.load align=4 (i32.add (local.get $v) (local.get $e))) (local.get $b2))
          (f32x4.mul (f32x4.mul (local.get $gi) (local.get $gi)) (local.get $o2))))
        (v128.store align=4 (i32.add (local.get $m) (local.get $e)) (local.get $mi))
        (v128.store align=4 (i32.add (local.get $v) (local.get $e)) (local.get $vi))
        (v128.store align=4 (i32.add (local.get $w) (local.get $e))
          (f32x4.add
            (f32x4.mul
              (f32x4.div
                (f32x4.div (local.get $mi) (local.get $c1))
                (f32x4.add (f32x4.sqrt (f32x4.div (local.get $vi) (local.get $c2))) (local.get $ep)))
              (local.get $r))
            (v128.load align=4 (i32.add (local.get $w) (local.get $e)))))
        (local.set $e (i32.add (local.get $e) (i32.const 16)))
        (br $vectors)))
    ;; the last n mod 4 values, one at a time
    (block $scalars_done
      (loop $scalars
        (br_if $scalars_done (i32.ge_u (local.get $e) (local.get $end)))
        (local.set $gs (f32.load (i32.add (local.get $g) (local.get $e))))
        (local.set $ms (f32.add
          (f32.mul (f32.load (i32.add (local.get $m) (local.get $e))) (local.get $beta1))
          (f32.mul (local.get $gs) (local.get $omb1))))
        (local.set $vs (f32.add
          (f32.mul (f32.load (i32.add (local.get $v) (local.get $e))) (local.get $beta2))
          (f32.mul (f32.mul (local.get $gs) (local.get $gs)) (local.get $omb2))))
        (f32.store (i32.add (local.get $m) (local.get $e)) (local.get $ms))
        (f32.store (i32.add (local.get $v) (local.get $e)) (local.get $vs))
        (f32.store (i32.add (local.get $w) (local.get $e))
          (f32.add
            (f32.mul
              (f32.div
                (f32.div (local.get $ms) (local.get $bias1))
                (f32.add (f32.sqrt (f32.div (local.get $vs) (local.get $bias2))) (local.get $eps)))
              (local.get $rate))
            (f32.load (i32.add (local.get $w) (local.get $e)))))
        (local.set $e (i32.add (local.get $e) (i32.const 4)))
        (br $scalars))))
)

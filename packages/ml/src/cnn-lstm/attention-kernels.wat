;; The products of scaled dot-product attention in WebAssembly with 128-bit SIMD (attention-kernels.ts
;; states the contract). Addresses, strides and offsets are in bytes; `d` counts floats and is a multiple
;; of 4. packages/ml/scripts/cnn-lstm-attention-kernels.ts compiles it (wabt's wat2wasm) into
;; attention-kernels-wasm.ts.
(module
  (memory (export "memory") 1)

  ;; out[i*rowsB + j] = scale * sum_e A[a + i*stride + e] * B[b + j*stride + e]
  (func (export "dot_rows")
    (param $a i32) (param $b i32) (param $stride i32) (param $rowsA i32) (param $rowsB i32)
    (param $d i32) (param $out i32) (param $scale f32)
    (local $i i32) (local $j i32) (local $ai i32) (local $bj i32) (local $e i32) (local $end i32)
    (local $acc0 v128) (local $acc1 v128) (local $sum v128)
    (local.set $end (i32.shl (local.get $d) (i32.const 2)))
    (local.set $i (i32.const 0))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $i) (local.get $rowsA)))
        (local.set $ai (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $stride))))
        (local.set $j (i32.const 0))
        (block $cols_done
          (loop $cols
            (br_if $cols_done (i32.ge_u (local.get $j) (local.get $rowsB)))
            (local.set $bj (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $stride))))
            (local.set $acc0 (v128.const f32x4 0 0 0 0))
            (local.set $acc1 (v128.const f32x4 0 0 0 0))
            (local.set $e (i32.const 0))
            ;; two vectors at a time while 8 floats remain, then one
            (block $pairs_done
              (loop $pairs
                (br_if $pairs_done (i32.gt_u (i32.add (local.get $e) (i32.const 32)) (local.get $end)))
                (local.set $acc0 (f32x4.add (local.get $acc0)
                  (f32x4.mul (v128.load align=4 (i32.add (local.get $ai) (local.get $e)))
                             (v128.load align=4 (i32.add (local.get $bj) (local.get $e))))))
                (local.set $acc1 (f32x4.add (local.get $acc1)
                  (f32x4.mul (v128.load offset=16 align=4 (i32.add (local.get $ai) (local.get $e)))
                             (v128.load offset=16 align=4 (i32.add (local.get $bj) (local.get $e))))))
                (local.set $e (i32.add (local.get $e) (i32.const 32)))
                (br $pairs)))
            (if (i32.lt_u (local.get $e) (local.get $end))
              (then
                (local.set $acc0 (f32x4.add (local.get $acc0)
                  (f32x4.mul (v128.load align=4 (i32.add (local.get $ai) (local.get $e)))
                             (v128.load align=4 (i32.add (local.get $bj) (local.get $e))))))))
            (local.set $sum (f32x4.add (local.get $acc0) (local.get $acc1)))
            (f32.store
              (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $rowsB)) (local.get $j)) (i32.const 2)))
              (f32.mul (local.get $scale)
                (f32.add
                  (f32.add (f32x4.extract_lane 0 (local.get $sum)) (f32x4.extract_lane 1 (local.get $sum)))
                  (f32.add (f32x4.extract_lane 2 (local.get $sum)) (f32x4.extract_lane 3 (local.get $sum))))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $cols)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows))))

  ;; out[o + i*outStride + e] = scale * sum_j W[w + i*wRow + j*wCol] * B[b + j*stride + e]
  ;; Sixteen floats of a row at a time in four accumulators, then four at a time.
  (func (export "axpy_rows")
    (param $w i32) (param $wRow i32) (param $wCol i32) (param $b i32) (param $stride i32)
    (param $rows i32) (param $inner i32) (param $d i32) (param $out i32) (param $outStride i32) (param $scale f32)
    (local $i i32) (local $j i32) (local $e i32) (local $end i32) (local $wi i32) (local $bj i32) (local $oi i32)
    (local $c v128) (local $s v128) (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128)
    (local.set $end (i32.shl (local.get $d) (i32.const 2)))
    (local.set $s (f32x4.splat (local.get $scale)))
    (local.set $i (i32.const 0))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $i) (local.get $rows)))
        (local.set $wi (i32.add (local.get $w) (i32.mul (local.get $i) (local.get $wRow))))
        (local.set $oi (i32.add (local.get $out) (i32.mul (local.get $i) (local.get $outStride))))
        (local.set $e (i32.const 0))
        (block $wide_done
          (loop $wide
            (br_if $wide_done (i32.gt_u (i32.add (local.get $e) (i32.const 64)) (local.get $end)))
            (local.set $acc0 (v128.const f32x4 0 0 0 0))
            (local.set $acc1 (v128.const f32x4 0 0 0 0))
            (local.set $acc2 (v128.const f32x4 0 0 0 0))
            (local.set $acc3 (v128.const f32x4 0 0 0 0))
            (local.set $j (i32.const 0))
            (block $inner_done
              (loop $inner_loop
                (br_if $inner_done (i32.ge_u (local.get $j) (local.get $inner)))
                (local.set $c (f32x4.splat (f32.load (i32.add (local.get $wi) (i32.mul (local.get $j) (local.get $wCol))))))
                (local.set $bj (i32.add (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $stride))) (local.get $e)))
                (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $c) (v128.load align=4 (local.get $bj)))))
                (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (local.get $c) (v128.load offset=16 align=4 (local.get $bj)))))
                (local.set $acc2 (f32x4.add (local.get $acc2) (f32x4.mul (local.get $c) (v128.load offset=32 align=4 (local.get $bj)))))
                (local.set $acc3 (f32x4.add (local.get $acc3) (f32x4.mul (local.get $c) (v128.load offset=48 align=4 (local.get $bj)))))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $inner_loop)))
            (v128.store align=4 (i32.add (local.get $oi) (local.get $e)) (f32x4.mul (local.get $s) (local.get $acc0)))
            (v128.store offset=16 align=4 (i32.add (local.get $oi) (local.get $e)) (f32x4.mul (local.get $s) (local.get $acc1)))
            (v128.store offset=32 align=4 (i32.add (local.get $oi) (local.get $e)) (f32x4.mul (local.get $s) (local.get $acc2)))
            (v128.store offset=48 align=4 (i32.add (local.get $oi) (local.get $e)) (f32x4.mul (local.get $s) (local.get $acc3)))
            (local.set $e (i32.add (local.get $e) (i32.const 64)))
            (br $wide)))
        (block $narrow_done
          (loop $narrow
            (br_if $narrow_done (i32.ge_u (local.get $e) (local.get $end)))
            (local.set $acc0 (v128.const f32x4 0 0 0 0))
            (local.set $j (i32.const 0))
            (block $inner1_done
              (loop $inner1
                (br_if $inner1_done (i32.ge_u (local.get $j) (local.get $inner)))
                (local.set $c (f32x4.splat (f32.load (i32.add (local.get $wi) (i32.mul (local.get $j) (local.get $wCol))))))
                (local.set $acc0 (f32x4.add (local.get $acc0)
                  (f32x4.mul (local.get $c) (v128.load align=4 (i32.add (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $stride))) (local.get $e))))))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $inner1)))
            (v128.store align=4 (i32.add (local.get $oi) (local.get $e)) (f32x4.mul (local.get $s) (local.get $acc0)))
            (local.set $e (i32.add (local.get $e) (i32.const 16)))
            (br $narrow)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows))))
)

;; Training-mode batch norm without a scale, then ReLU, forward and backward, over x [rows, C]
;; float32 (C a multiple of 4) in the memory of tfjs's wasm backend, which this module imports;
;; pointers are byte offsets into it. Each pass walks the tensor once, 4 channels at a time
;; (SIMD); per-channel sums run in blocks of BLOCK rows, each block summed apart and then added
;; to the total, so a sum over 100k rows loses no more than a sum over a few hundred.
;;   forward:  mean = Σx/rows, centered = x − mean, variance = Σcentered²/rows,
;;             scale = 1/√(variance + ε), value = max(centered·scale + offset, 0)
;;   backward: g = dz where value > 0 (else 0), sumDy = Σg,
;;             dx = scale·(g − sumDy/rows − centered·scale²·Σ(g·centered)/rows)
(module
  (import "env" "memory" (memory 1))

  ;; rows per block of a blocked sum
  (global $BLOCK i32 (i32.const 64))

  ;; total[0..cBytes) += block[0..cBytes); block = 0
  (func $fold (param $total i32) (param $block i32) (param $cBytes i32)
    (local $q i32)
    (loop $each
      (v128.store (i32.add (local.get $total) (local.get $q))
        (f32x4.add
          (v128.load (i32.add (local.get $total) (local.get $q)))
          (v128.load (i32.add (local.get $block) (local.get $q)))))
      (local.set $q (i32.add (local.get $q) (i32.const 16)))
      (br_if $each (i32.lt_u (local.get $q) (local.get $cBytes))))
    (memory.fill (local.get $block) (i32.const 0) (local.get $cBytes)))

  ;; v[0..cBytes) *= factor
  (func $scaleBy (param $v i32) (param $factor f32) (param $cBytes i32)
    (local $q i32) (local $f v128)
    (local.set $f (f32x4.splat (local.get $factor)))
    (loop $each
      (v128.store (i32.add (local.get $v) (local.get $q))
        (f32x4.mul (v128.load (i32.add (local.get $v) (local.get $q))) (local.get $f)))
      (local.set $q (i32.add (local.get $q) (i32.const 16)))
      (br_if $each (i32.lt_u (local.get $q) (local.get $cBytes)))))

  (func (export "batchNormReluForward")
    (param $x i32) (param $offset i32) (param $rows i32) (param $c i32) (param $epsilon f32)
    ;; outputs: centered and value [rows, C]; mean, variance, scale [C]
    (param $centered i32) (param $value i32) (param $mean i32) (param $variance i32) (param $scale i32)
    ;; C floats of scratch
    (param $block i32)
    (local $cBytes i32) (local $end i32) (local $p i32) (local $q i32) (local $inBlock i32)
    (local $invRows f32) (local $d v128)
    (local.set $cBytes (i32.shl (local.get $c) (i32.const 2)))
    (local.set $end (i32.mul (local.get $rows) (local.get $cBytes)))
    (local.set $invRows (f32.div (f32.const 1) (f32.convert_i32_u (local.get $rows))))

    ;; mean = Σx / rows
    (memory.fill (local.get $mean) (i32.const 0) (local.get $cBytes))
    (memory.fill (local.get $block) (i32.const 0) (local.get $cBytes))
    (local.set $p (i32.const 0))
    (local.set $inBlock (i32.const 0))
    (loop $eachRow
      (local.set $q (i32.const 0))
      (loop $eachQuad
        (v128.store (i32.add (local.get $block) (local.get $q))
          (f32x4.add
            (v128.load (i32.add (local.get $block) (local.get $q)))
            (v128.load (i32.add (local.get $x) (i32.add (local.get $p) (local.get $q))))))
        (local.set $q (i32.add (local.get $q) (i32.const 16)))
        (br_if $eachQuad (i32.lt_u (local.get $q) (local.get $cBytes))))
      (local.set $p (i32.add (local.get $p) (local.get $cBytes)))
      (local.set $inBlock (i32.add (local.get $inBlock) (i32.const 1)))
      (if (i32.or (i32.eq (local.get $inBlock) (global.get $BLOCK)) (i32.ge_u (local.get $p) (local.get $end)))
        (then
          (call $fold (local.get $mean) (local.get $block) (local.get $cBytes))
          (local.set $inBlock (i32.const 0))))
      (br_if $eachRow (i32.lt_u (local.get $p) (local.get $end))))
    (call $scaleBy (local.get $mean) (local.get $invRows) (local.get $cBytes))

    ;; centered = x − mean; variance = Σcentered² / rows
    (memory.fill (local.get $variance) (i32.const 0) (local.get $cBytes))
    (local.set $p (i32.const 0))
    (local.set $inBlock (i32.const 0))
    (loop $eachRow
      (local.set $q (i32.const 0))
      (loop $eachQuad
        (local.set $d (f32x4.sub
          (v128.load (i32.add (local.get $x) (i32.add (local.get $p) (local.get $q))))
          (v128.load (i32.add (local.get $mean) (local.get $q)))))
        (v128.store (i32.add (local.get $centered) (i32.add (local.get $p) (local.get $q))) (local.get $d))
        (v128.store (i32.add (local.get $block) (local.get $q))
          (f32x4.add
            (v128.load (i32.add (local.get $block) (local.get $q)))
            (f32x4.mul (local.get $d) (local.get $d))))
        (local.set $q (i32.add (local.get $q) (i32.const 16)))
        (br_if $eachQuad (i32.lt_u (local.get $q) (local.get $cBytes))))
      (local.set $p (i32.add (local.get $p) (local.get $cBytes)))
      (local.set $inBlock (i32.add (local.get $inBlock) (i32.const 1)))
      (if (i32.or (i32.eq (local.get $inBlock) (global.get $BLOCK)) (i32.ge_u (local.get $p) (local.get $end)))
        (then
          (call $fold (local.get $variance) (local.get $block) (local.get $cBytes))
          (local.set $inBlock (i32.const 0))))
      (br_if $eachRow (i32.lt_u (local.get $p) (local.get $end))))
    (call $scaleBy (local.get $variance) (local.get $invRows) (local.get $cBytes))

    ;; scale = 1/√(variance + ε)
    (local.set $q (i32.const 0))
    (loop $eachQuad
      (v128.store (i32.add (local.get $scale) (local.get $q))
        (f32x4.div (f32x4.splat (f32.const 1))
          (f32x4.sqrt (f32x4.add
            (v128.load (i32.add (local.get $variance) (local.get $q)))
            (f32x4.splat (local.get $epsilon))))))
      (local.set $q (i32.add (local.get $q) (i32.const 16)))
      (br_if $eachQuad (i32.lt_u (local.get $q) (local.get $cBytes))))

    ;; value = max(centered·scale + offset, 0)
    (local.set $p (i32.const 0))
    (loop $eachRow
      (local.set $q (i32.const 0))
      (loop $eachQuad
        (v128.store (i32.add (local.get $value) (i32.add (local.get $p) (local.get $q)))
          (f32x4.max
            (f32x4.add
              (f32x4.mul
                (v128.load (i32.add (local.get $centered) (i32.add (local.get $p) (local.get $q))))
                (v128.load (i32.add (local.get $scale) (local.get $q))))
              (v128.load (i32.add (local.get $offset) (local.get $q))))
            (f32x4.splat (f32.const 0))))
        (local.set $q (i32.add (local.get $q) (i32.const 16)))
        (br_if $eachQuad (i32.lt_u (local.get $q) (local.get $cBytes))))
      (local.set $p (i32.add (local.get $p) (local.get $cBytes)))
      (br_if $eachRow (i32.lt_u (local.get $p) (local.get $end)))))

  (func (export "batchNormReluBackward")
    (param $dz i32) (param $value i32) (param $centered i32) (param $scale i32) (param $rows i32) (param $c i32)
    ;; outputs: dx [rows, C], sumDy [C]
    (param $dx i32) (param $sumDy i32)
    ;; 4·C floats of scratch: block sums of g and g·centered, the total of g·centered, and a
    ;; per-channel constant
    (param $scratch i32)
    (local $cBytes i32) (local $end i32) (local $p i32) (local $q i32) (local $inBlock i32)
    (local $blockG i32) (local $blockGc i32) (local $sumGc i32) (local $shift i32)
    (local $invRows f32) (local $g v128) (local $s v128) (local $cv v128)
    (local.set $cBytes (i32.shl (local.get $c) (i32.const 2)))
    (local.set $end (i32.mul (local.get $rows) (local.get $cBytes)))
    (local.set $invRows (f32.div (f32.const 1) (f32.convert_i32_u (local.get $rows))))
    (local.set $blockG (local.get $scratch))
    (local.set $blockGc (i32.add (local.get $blockG) (local.get $cBytes)))
    (local.set $sumGc (i32.add (local.get $blockGc) (local.get $cBytes)))
    (local.set $shift (i32.add (local.get $sumGc) (local.get $cBytes)))

    ;; sumDy = Σg, sumGc = Σg·centered
    (memory.fill (local.get $sumDy) (i32.const 0) (local.get $cBytes))
    (memory.fill (local.get $scratch) (i32.const 0) (i32.mul (local.get $cBytes) (i32.const 3)))
    (local.set $p (i32.const 0))
    (local.set $inBlock (i32.const 0))
    (loop $eachRow
      (local.set $q (i32.const 0))
      (loop $eachQuad
        (local.set $g (v128.and
          (v128.load (i32.add (local.get $dz) (i32.add (local.get $p) (local.get $q))))
          (f32x4.gt
            (v128.load (i32.add (local.get $value) (i32.add (local.get $p) (local.get $q))))
            (f32x4.splat (f32.const 0)))))
        (v128.store (i32.add (local.get $blockG) (local.get $q))
          (f32x4.add (v128.load (i32.add (local.get $blockG) (local.get $q))) (local.get $g)))
        (v128.store (i32.add (local.get $blockGc) (local.get $q))
          (f32x4.add
            (v128.load (i32.add (local.get $blockGc) (local.get $q)))
            (f32x4.mul (local.get $g)
              (v128.load (i32.add (local.get $centered) (i32.add (local.get $p) (local.get $q)))))))
        (local.set $q (i32.add (local.get $q) (i32.const 16)))
        (br_if $eachQuad (i32.lt_u (local.get $q) (local.get $cBytes))))
      (local.set $p (i32.add (local.get $p) (local.get $cBytes)))
      (local.set $inBlock (i32.add (local.get $inBlock) (i32.const 1)))
      (if (i32.or (i32.eq (local.get $inBlock) (global.get $BLOCK)) (i32.ge_u (local.get $p) (local.get $end)))
        (then
          (call $fold (local.get $sumDy) (local.get $blockG) (local.get $cBytes))
          (call $fold (local.get $sumGc) (local.get $blockGc) (local.get $cBytes))
          (local.set $inBlock (i32.const 0))))
      (br_if $eachRow (i32.lt_u (local.get $p) (local.get $end))))

    ;; dx = scale·g + shift + k·centered, with shift = −scale·sumDy/rows and
    ;; k = −scale³·sumGc/rows (kept in sumGc's place)
    (local.set $q (i32.const 0))
    (loop $eachQuad
      (local.set $s (v128.load (i32.add (local.get $scale) (local.get $q))))
      (v128.store (i32.add (local.get $shift) (local.get $q))
        (f32x4.neg (f32x4.mul (local.get $s)
          (f32x4.mul (v128.load (i32.add (local.get $sumDy) (local.get $q))) (f32x4.splat (local.get $invRows))))))
      (v128.store (i32.add (local.get $sumGc) (local.get $q))
        (f32x4.neg (f32x4.mul (f32x4.mul (local.get $s) (f32x4.mul (local.get $s) (local.get $s)))
          (f32x4.mul (v128.load (i32.add (local.get $sumGc) (local.get $q))) (f32x4.splat (local.get $invRows))))))
      (local.set $q (i32.add (local.get $q) (i32.const 16)))
      (br_if $eachQuad (i32.lt_u (local.get $q) (local.get $cBytes))))

    (local.set $p (i32.const 0))
    (loop $eachRow
      (local.set $q (i32.const 0))
      (loop $eachQuad
        (local.set $g (v128.and
          (v128.load (i32.add (local.get $dz) (i32.add (local.get $p) (local.get $q))))
          (f32x4.gt
            (v128.load (i32.add (local.get $value) (i32.add (local.get $p) (local.get $q))))
            (f32x4.splat (f32.const 0)))))
        (v128.store (i32.add (local.get $dx) (i32.add (local.get $p) (local.get $q)))
          (f32x4.add
            (f32x4.add
              (f32x4.mul (local.get $g) (v128.load (i32.add (local.get $scale) (local.get $q))))
              (v128.load (i32.add (local.get $shift) (local.get $q))))
            (f32x4.mul
              (v128.load (i32.add (local.get $centered) (i32.add (local.get $p) (local.get $q))))
              (v128.load (i32.add (local.get $sumGc) (local.get $q))))))
        (local.set $q (i32.add (local.get $q) (i32.const 16)))
        (br_if $eachQuad (i32.lt_u (local.get $q) (local.get $cBytes))))
      (local.set $p (i32.add (local.get $p) (local.get $cBytes)))
      (br_if $eachRow (i32.lt_u (local.get $p) (local.get $end))))))

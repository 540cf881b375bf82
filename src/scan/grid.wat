;; The known-key grids' sampling pass (compiled by scripts/build-wasm.ts with wabt into grid-wasm.ts).
;; The same samples, hashes and filter bits as Grids.scan and Grid.sample in needle-grid.ts, in
;; WebAssembly: no bounds check per load (the memories' guard pages do that), so a word every 28
;; bytes (the step an Ed25519 key imposes) costs about half what the JavaScript loop costs. Only the
;; q-grams whose filter bit is set are reported; the caller looks them up in the table (rare).
;;
;; Memories (imported):
;;   data   the scanner's window (the anchor pass's memory): sample offsets are offsets in it.
;;   grid   per grid, a header of 8 i32 at $g: binary filter's byte offset, its shift, text filter's
;;          offset, its shift, mirrored (1: words keyed by the smaller of a word and its byte
;;          reversal), zeroGram (1: all-zero samples are looked up too), stride (1 or 4); then the
;;          filters (bit h >>> shift: word (h >>> shift) >>> 5, bit & 31), and the records.
;;   records three i32 each at $out: sample offset p, grid (0 fine, 1 coarse) * 4 + r (the q-gram at
;;          p + r), hash.
;;
;; `scan` samples p, p + step, … below $stop (the caller keeps p + 8 within the valid bytes, so the
;; stride-4 grid's second word is whole). The coarse grid, if any ($coarse ≥ 0), is sampled where the
;; countdown is 0 (then it restarts at $every − 1), before the fine grid, as in Grids.scan. Returns
;; the number of records; stops early, with `nextP` and `nextCountdown` set to where to resume, when
;; fewer than 8 records are left.
(module
  (import "env" "data" (memory $data 1))
  (import "env" "grid" (memory $grid 1))
  (global $nextP (export "nextP") (mut i32) (i32.const 0))
  (global $nextCountdown (export "nextCountdown") (mut i32) (i32.const 0))

  ;; The key of a q-gram: itself, or (mirrored) the smaller, as signed i32, of it and its byte reversal.
  (func $key (param $q i32) (param $mirrored i32) (result i32)
    (local $r i32)
    (if (result i32) (local.get $mirrored)
      (then
        (local.set $r
          (i32.or
            (i32.or
              (i32.shl (local.get $q) (i32.const 24))
              (i32.shl (i32.and (local.get $q) (i32.const 0xff00)) (i32.const 8)))
            (i32.or
              (i32.and (i32.shr_u (local.get $q) (i32.const 8)) (i32.const 0xff00))
              (i32.shr_u (local.get $q) (i32.const 24)))))
        (select (local.get $q) (local.get $r) (i32.lt_s (local.get $q) (local.get $r))))
      (else (local.get $q))))

  ;; One sample of grid $g at $p (its word $w): the q-gram at p, or (stride 4) those at p … p + 3, in
  ;; that order, each whose filter bit is set recorded; returns the new record count. The header is
  ;; read once and the q-grams tested in one loop (calls per q-gram cost more than the test).
  (func $sample (param $g i32) (param $kind i32) (param $p i32) (param $w i32) (param $out i32) (param $n i32) (result i32)
    (local $x i64) (local $grams i32) (local $r i32) (local $q i32) (local $h i32) (local $b i32) (local $text i32)
    (local $bits i32) (local $shift i32) (local $textBits i32) (local $textShift i32) (local $mirrored i32) (local $zero i32)
    (local.set $zero (i32.load $grid offset=20 (local.get $g)))
    (local.set $grams (i32.load $grid offset=24 (local.get $g)))
    ;; The sample's 8 bytes (the second word only matters to a stride-4 grid).
    (local.set $x
      (i64.or
        (i64.extend_i32_u (local.get $w))
        (select (i64.shl (i64.load32_u $data offset=4 align=1 (local.get $p)) (i64.const 32)) (i64.const 0) (i32.ne (local.get $grams) (i32.const 1)))))
    (if (i64.eqz (i64.or (local.get $x) (i64.extend_i32_u (local.get $zero))))
      (then (return (local.get $n))))
    (local.set $bits (i32.load $grid (local.get $g)))
    (local.set $shift (i32.load $grid offset=4 (local.get $g)))
    (local.set $textBits (i32.load $grid offset=8 (local.get $g)))
    (local.set $textShift (i32.load $grid offset=12 (local.get $g)))
    (local.set $mirrored (i32.load $grid offset=16 (local.get $g)))
    (block $done
      (loop $grams
        (br_if $done (i32.ge_u (local.get $r) (local.get $grams)))
        (local.set $q (i32.wrap_i64 (i64.shr_u (local.get $x) (i64.extend_i32_u (i32.shl (local.get $r) (i32.const 3))))))
        (local.set $h (local.get $q))
        ;; Called only for a mirrored grid (RSA moduli): a call per q-gram costs as much as the test.
        (if (local.get $mirrored) (then (local.set $h (call $key (local.get $q) (i32.const 1)))))
        (local.set $h (i32.mul (local.get $h) (i32.const 0x9e3779b1)))
        (local.set $text (i32.eqz (i32.and (local.get $q) (i32.const 0x80808080))))
        (local.set $b (i32.shr_u (local.get $h) (select (local.get $textShift) (local.get $shift) (local.get $text))))
        (if (i32.and
              (i32.shr_u
                (i32.load $grid
                  (i32.add (select (local.get $textBits) (local.get $bits) (local.get $text)) (i32.shl (i32.shr_u (local.get $b) (i32.const 5)) (i32.const 2))))
                (i32.and (local.get $b) (i32.const 31)))
              (i32.const 1))
          (then
            (local.set $b (i32.add (local.get $out) (i32.mul (local.get $n) (i32.const 12))))
            (i32.store $grid (local.get $b) (local.get $p))
            (i32.store $grid offset=4 (local.get $b) (i32.add (i32.shl (local.get $kind) (i32.const 2)) (local.get $r)))
            (i32.store $grid offset=8 (local.get $b) (local.get $h))
            (local.set $n (i32.add (local.get $n) (i32.const 1)))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $grams)))
    (local.get $n))

  (func (export "scan")
    (param $p i32) (param $stop i32) (param $step i32) (param $countdown i32) (param $every i32)
    (param $fine i32) (param $coarse i32) (param $out i32) (param $cap i32) (result i32)
    (local $n i32) (local $w i32) (local $h i32) (local $b i32) (local $text i32)
    (local $bits i32) (local $shift i32) (local $textBits i32) (local $textShift i32) (local $mirrored i32) (local $zero i32) (local $single i32)
    ;; A fine grid of stride 1 (the usual case) is sampled inline with its header in locals; the coarse
    ;; grid, sampled every $every samples, and a fine grid of stride 4 go through $sample.
    (local.set $bits (i32.load $grid (local.get $fine)))
    (local.set $shift (i32.load $grid offset=4 (local.get $fine)))
    (local.set $textBits (i32.load $grid offset=8 (local.get $fine)))
    (local.set $textShift (i32.load $grid offset=12 (local.get $fine)))
    (local.set $mirrored (i32.load $grid offset=16 (local.get $fine)))
    (local.set $zero (i32.load $grid offset=20 (local.get $fine)))
    (local.set $single (i32.eq (i32.load $grid offset=24 (local.get $fine)) (i32.const 1)))
    (block $done
      (loop $samples
        (br_if $done (i32.ge_s (local.get $p) (local.get $stop)))
        (br_if $done (i32.gt_s (i32.add (local.get $n) (i32.const 8)) (local.get $cap)))
        (local.set $w (i32.load $data align=1 (local.get $p)))
        (if (i32.ge_s (local.get $coarse) (i32.const 0))
          (then
            (if (i32.lt_s (local.get $countdown) (i32.const 0))
              (then (local.set $countdown (i32.sub (local.get $every) (i32.const 1)))))
            (if (i32.eqz (local.get $countdown))
              (then (local.set $n (call $sample (local.get $coarse) (i32.const 1) (local.get $p) (local.get $w) (local.get $out) (local.get $n)))))))
        (if (local.get $single)
          (then
            (if (i32.or (local.get $w) (local.get $zero))
              (then
                (local.set $h (local.get $w))
                (if (local.get $mirrored) (then (local.set $h (call $key (local.get $w) (i32.const 1)))))
                (local.set $h (i32.mul (local.get $h) (i32.const 0x9e3779b1)))
                (local.set $text (i32.eqz (i32.and (local.get $w) (i32.const 0x80808080))))
                (local.set $b (i32.shr_u (local.get $h) (select (local.get $textShift) (local.get $shift) (local.get $text))))
                (if (i32.and
                      (i32.shr_u
                        (i32.load $grid
                          (i32.add (select (local.get $textBits) (local.get $bits) (local.get $text)) (i32.shl (i32.shr_u (local.get $b) (i32.const 5)) (i32.const 2))))
                        (i32.and (local.get $b) (i32.const 31)))
                      (i32.const 1))
                  (then
                    (local.set $b (i32.add (local.get $out) (i32.mul (local.get $n) (i32.const 12))))
                    (i32.store $grid (local.get $b) (local.get $p))
                    (i32.store $grid offset=4 (local.get $b) (i32.const 0))
                    (i32.store $grid offset=8 (local.get $b) (local.get $h))
                    (local.set $n (i32.add (local.get $n) (i32.const 1))))))))
          (else (local.set $n (call $sample (local.get $fine) (i32.const 0) (local.get $p) (local.get $w) (local.get $out) (local.get $n)))))
        (local.set $p (i32.add (local.get $p) (local.get $step)))
        (local.set $countdown (i32.sub (local.get $countdown) (i32.const 1)))
        (br $samples)))
    (global.set $nextP (local.get $p))
    (global.set $nextCountdown (local.get $countdown))
    (local.get $n)))

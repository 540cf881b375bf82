;; The scanner's anchor prefilter (compiled by scripts/build-wasm.ts with wabt into anchors-wasm.ts).
;; One SIMD pass over [i, end) of the window reports every offset where one of eight two-byte pairs
;; starts: the first two bytes of every material and embedded-container anchor. The caller confirms
;; the rest of each anchor at the few offsets reported, so the data is read once, not once per anchor.
;;
;; The pairs are matched as in Hyperscan's "Teddy": pair k is bucket k (bit k of a byte). For each
;; of the two bytes of a pair, two 16-entry tables indexed by the byte's low and high nibble give the
;; buckets whose byte has that nibble; a byte is a pair's first (second) byte exactly when both of
;; its nibbles' entries carry the pair's bit. Four table lookups (swizzles) and three ANDs per 16
;; bytes answer for all eight buckets at once, where comparing each pair costs sixteen compares. A
;; bucket holding one pair reports nothing that is not that pair; with more than eight pairs two that
;; share a byte share a bucket (anchors.ts anchorBuckets), and the few stray offsets it reports are
;; dropped when the caller confirms the rest of the anchor.
;; The indices are nibbles (0–15), where relaxed_swizzle is defined exactly as swizzle.
;;
;; Memory (imported; the window the scanner reads the stream into starts at 0):
;;   tables     64 bytes at $tables: first byte low nibbles, first byte high nibbles, then the same
;;              two for the second byte, 16 bytes each (bit k of entry v: pair k's byte has nibble v)
;;   out        $cap i32 slots at $out: offsets found, in increasing order
;; Bytes up to end + 32 are read (the caller leaves that much room after the window); offsets at or
;; past end are never reported. Returns how many offsets were written; stops early when fewer than
;; 32 slots are left, with `next` set to where to resume (end or past it when the range is done).
(module
  (import "env" "memory" (memory 1))
  (global $next (export "next") (mut i32) (i32.const 0))
  (func (export "anchors") (param $i i32) (param $end i32) (param $tables i32) (param $out i32) (param $cap i32) (result i32)
    (local $n i32) (local $bits i32) (local $zeroFirst i32) (local $m0 v128) (local $m1 v128) (local $b v128) (local $a0 v128) (local $a1 v128)
    (local $lo0 v128) (local $hi0 v128) (local $lo1 v128) (local $hi1 v128) (local $nib v128)
    (local.set $lo0 (v128.load offset=0 (local.get $tables)))
    (local.set $hi0 (v128.load offset=16 (local.get $tables)))
    (local.set $lo1 (v128.load offset=32 (local.get $tables)))
    (local.set $hi1 (v128.load offset=48 (local.get $tables)))
    (local.set $nib (i8x16.splat (i32.const 15)))
    ;; Some pair starts with a zero byte when the zero nibble's entries share a bucket.
    (local.set $zeroFirst (i32.and (i8x16.extract_lane_u 0 (local.get $lo0)) (i8x16.extract_lane_u 0 (local.get $hi0))))
    (block $done
      (loop $scan
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (br_if $done (i32.gt_u (i32.add (local.get $n) (i32.const 32)) (local.get $cap)))
        ;; A turn of 32 zero bytes holds no pair when no pair starts with a zero byte (memory images
        ;; are often half zero pages): two loads, an OR and a test instead of the lookups.
        (local.set $a0 (v128.load align=1 (local.get $i)))
        (local.set $a1 (v128.load offset=16 align=1 (local.get $i)))
        (if (i32.or (local.get $zeroFirst) (v128.any_true (v128.or (local.get $a0) (local.get $a1))))
          (then
            ;; 32 bytes a turn, as two blocks of 16: byte j starts a pair when its buckets (as a first
            ;; byte) and those of byte j + 1 (as a second byte) share a bit.
            (local.set $m0
              (v128.and
                (v128.and
                  (i8x16.relaxed_swizzle (local.get $lo0) (v128.and (local.get $a0) (local.get $nib)))
                  (i8x16.relaxed_swizzle (local.get $hi0) (i8x16.shr_u (local.get $a0) (i32.const 4))))
                (v128.and
                  (i8x16.relaxed_swizzle (local.get $lo1) (v128.and (local.tee $b (v128.load offset=1 align=1 (local.get $i))) (local.get $nib)))
                  (i8x16.relaxed_swizzle (local.get $hi1) (i8x16.shr_u (local.get $b) (i32.const 4))))))
            (local.set $m1
              (v128.and
                (v128.and
                  (i8x16.relaxed_swizzle (local.get $lo0) (v128.and (local.get $a1) (local.get $nib)))
                  (i8x16.relaxed_swizzle (local.get $hi0) (i8x16.shr_u (local.get $a1) (i32.const 4))))
                (v128.and
                  (i8x16.relaxed_swizzle (local.get $lo1) (v128.and (local.tee $b (v128.load offset=17 align=1 (local.get $i))) (local.get $nib)))
                  (i8x16.relaxed_swizzle (local.get $hi1) (i8x16.shr_u (local.get $b) (i32.const 4))))))
            (if (v128.any_true (v128.or (local.get $m0) (local.get $m1)))
              (then
                (local.set $bits
                  (i32.or
                    (i8x16.bitmask (i8x16.ne (local.get $m0) (v128.const i64x2 0 0)))
                    (i32.shl (i8x16.bitmask (i8x16.ne (local.get $m1) (v128.const i64x2 0 0))) (i32.const 16))))
                ;; The last turn may reach past $end: keep only offsets below it.
                (if (i32.lt_u (i32.sub (local.get $end) (local.get $i)) (i32.const 32))
                  (then
                    (local.set $bits
                      (i32.and (local.get $bits)
                        (i32.sub (i32.shl (i32.const 1) (i32.sub (local.get $end) (local.get $i))) (i32.const 1))))))
                (block $emitted
                  (loop $emit
                    (br_if $emitted (i32.eqz (local.get $bits)))
                    (i32.store
                      (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2)))
                      (i32.add (local.get $i) (i32.ctz (local.get $bits))))
                    (local.set $n (i32.add (local.get $n) (i32.const 1)))
                    (local.set $bits (i32.and (local.get $bits) (i32.sub (local.get $bits) (i32.const 1))))
                    (br $emit)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 32)))
        (br $scan)))
    (global.set $next (local.get $i))
    (local.get $n)))

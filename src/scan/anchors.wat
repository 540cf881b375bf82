;; The scanner's anchor prefilter (compiled by scripts/build-wasm.ts with wabt into anchors-wasm.ts).
;; One SIMD pass over [i, end) of the window reports every offset where one of eight two-byte pairs
;; starts: the first two bytes of every material and embedded-container anchor. The caller confirms
;; the rest of each anchor at the few offsets reported, so the data is read once, not once per anchor.
;;
;; Memory (imported; the window the scanner reads the stream into starts at 0):
;;   pairs      16 bytes at $pairs: the pairs' first bytes (8), then their second bytes (8)
;;   out        $cap i32 slots at $out: offsets found, in increasing order
;; Bytes up to end + 16 are read (the caller leaves that much room after the window); offsets at or
;; past end are never reported. Returns how many offsets were written; stops early when fewer than
;; 16 slots are left, with `next` set to where to resume (end or past it when the range is done).
(module
  (import "env" "memory" (memory 1))
  (global $next (export "next") (mut i32) (i32.const 0))
  (func (export "anchors") (param $i i32) (param $end i32) (param $pairs i32) (param $out i32) (param $cap i32) (result i32)
    (local $n i32) (local $bits i32) (local $a v128) (local $b v128) (local $m v128)
    (local $f0 v128) (local $f1 v128) (local $f2 v128) (local $f3 v128) (local $f4 v128) (local $f5 v128) (local $f6 v128) (local $f7 v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128) (local $s4 v128) (local $s5 v128) (local $s6 v128) (local $s7 v128)
    (local.set $f0 (v128.load8_splat offset=0 (local.get $pairs)))
    (local.set $f1 (v128.load8_splat offset=1 (local.get $pairs)))
    (local.set $f2 (v128.load8_splat offset=2 (local.get $pairs)))
    (local.set $f3 (v128.load8_splat offset=3 (local.get $pairs)))
    (local.set $f4 (v128.load8_splat offset=4 (local.get $pairs)))
    (local.set $f5 (v128.load8_splat offset=5 (local.get $pairs)))
    (local.set $f6 (v128.load8_splat offset=6 (local.get $pairs)))
    (local.set $f7 (v128.load8_splat offset=7 (local.get $pairs)))
    (local.set $s0 (v128.load8_splat offset=8 (local.get $pairs)))
    (local.set $s1 (v128.load8_splat offset=9 (local.get $pairs)))
    (local.set $s2 (v128.load8_splat offset=10 (local.get $pairs)))
    (local.set $s3 (v128.load8_splat offset=11 (local.get $pairs)))
    (local.set $s4 (v128.load8_splat offset=12 (local.get $pairs)))
    (local.set $s5 (v128.load8_splat offset=13 (local.get $pairs)))
    (local.set $s6 (v128.load8_splat offset=14 (local.get $pairs)))
    (local.set $s7 (v128.load8_splat offset=15 (local.get $pairs)))
    (block $done
      (loop $scan
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (br_if $done (i32.gt_u (i32.add (local.get $n) (i32.const 16)) (local.get $cap)))
        ;; Byte j of $a starts a pair when it equals a first byte and byte j of $b (the next byte) the second.
        (local.set $a (v128.load align=1 (local.get $i)))
        (local.set $b (v128.load offset=1 align=1 (local.get $i)))
        (local.set $m
          (v128.or
            (v128.or
              (v128.or
                (v128.and (i8x16.eq (local.get $a) (local.get $f0)) (i8x16.eq (local.get $b) (local.get $s0)))
                (v128.and (i8x16.eq (local.get $a) (local.get $f1)) (i8x16.eq (local.get $b) (local.get $s1))))
              (v128.or
                (v128.and (i8x16.eq (local.get $a) (local.get $f2)) (i8x16.eq (local.get $b) (local.get $s2)))
                (v128.and (i8x16.eq (local.get $a) (local.get $f3)) (i8x16.eq (local.get $b) (local.get $s3)))))
            (v128.or
              (v128.or
                (v128.and (i8x16.eq (local.get $a) (local.get $f4)) (i8x16.eq (local.get $b) (local.get $s4)))
                (v128.and (i8x16.eq (local.get $a) (local.get $f5)) (i8x16.eq (local.get $b) (local.get $s5))))
              (v128.or
                (v128.and (i8x16.eq (local.get $a) (local.get $f6)) (i8x16.eq (local.get $b) (local.get $s6)))
                (v128.and (i8x16.eq (local.get $a) (local.get $f7)) (i8x16.eq (local.get $b) (local.get $s7)))))))
        (if (v128.any_true (local.get $m))
          (then
            (local.set $bits (i8x16.bitmask (local.get $m)))
            ;; The last block may reach past $end: keep only offsets below it.
            (if (i32.lt_u (i32.sub (local.get $end) (local.get $i)) (i32.const 16))
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
                (br $emit)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $scan)))
    (global.set $next (local.get $i))
    (local.get $n)))

// The known-key grids' sampling pass in WebAssembly (grid.wat): the same samples, hashes and filter
// bits as the JavaScript loops of needle-grid.ts, on the scanner's window memory itself, so a word
// every 28 bytes (the step an Ed25519 key imposes) or four q-grams every 248 (10,000 moduli) cost
// less. The filters are copied once per thread into a memory of the kernel's own; only q-grams whose
// filter bit is set come back, to be looked up in the table by the caller. Where WebAssembly cannot
// run (`node --jitless`), or the window is not a WebAssembly memory, the JavaScript loops run instead
// (test/scan/needle-grid.test.ts runs both on every case and compares them).
import { GRID_WASM } from './grid-wasm.ts';
import type { GridState } from './needle-grid.ts';
import { wasmModule } from './wasm-module.ts';

interface KernelExports {
  scan(p: number, stop: number, step: number, countdown: number, every: number, fine: number, coarse: number, out: number, cap: number): number;
  nextP: WebAssembly.Global;
  nextCountdown: WebAssembly.Global;
}

/** Records returned by one call (three i32 each: sample offset, grid * 4 + q-gram, hash). */
const RECORDS = 4096;
/** Bytes of a grid's header in the kernel's memory (grid.wat): 8 i32. */
const HEADER = 32;
const PAGE = 64 * 1024;

/** One call of the pass: which grids, where the samples start and stop (window offsets), the coarse countdown. */
export interface KernelRun {
  fine: number;
  /** Index of the coarse grid, or −1. */
  coarse: number;
  step: number;
  every: number;
  p: number;
  countdown: number;
  /** First sample not taken (the caller keeps p + 8 within the valid bytes). */
  stop: number;
}

/** A set filter bit: grid index, hash, sample offset and which of its q-grams. */
export type OnCandidate = (grid: number, h: number, p: number, r: number) => void;

/** The grids' filters in a WebAssembly memory, and the pass bound to each window memory it meets. */
export class GridKernel {
  private readonly module: WebAssembly.Module;
  private readonly memory: WebAssembly.Memory;
  private readonly records: Int32Array;
  private readonly outAt: number;
  private readonly bound = new WeakMap<WebAssembly.Memory, KernelExports>();

  /** The kernel for these grids, or undefined where WebAssembly cannot run. */
  static for(states: readonly GridState[]): GridKernel | undefined {
    const mod = wasmModule(GRID_WASM);
    if (!mod) return undefined;
    try {
      return new GridKernel(mod, states);
    } catch {
      return undefined; // no room for another WebAssembly memory: the JavaScript loops
    }
  }

  private constructor(mod: WebAssembly.Module, states: readonly GridState[]) {
    this.module = mod;
    let at = states.length * HEADER;
    const places = states.map((s) => {
      const bits = at;
      at += s.bits.byteLength;
      const text = at;
      at += s.textBits.byteLength;
      return { bits, text };
    });
    this.outAt = at;
    const bytes = at + RECORDS * 12;
    const pages = Math.ceil(bytes / PAGE);
    this.memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    const heap = this.memory.buffer;
    states.forEach((s, i) => {
      const { bits, text } = places[i] as { bits: number; text: number };
      const head = [bits, s.bitsShift, text, s.textShift, s.mirrored ? 1 : 0, s.zeroGram ? 1 : 0, s.stride, 0];
      new Int32Array(heap, i * HEADER, HEADER / 4).set(head);
      new Int32Array(heap, bits, s.bits.length).set(s.bits);
      new Int32Array(heap, text, s.textBits.length).set(s.textBits);
    });
    this.records = new Int32Array(heap, this.outAt, RECORDS * 3);
  }

  private exportsFor(data: WebAssembly.Memory): KernelExports {
    let fn = this.bound.get(data);
    if (!fn) {
      fn = new WebAssembly.Instance(this.module, { env: { data, grid: this.memory } }).exports as unknown as KernelExports;
      this.bound.set(data, fn);
    }
    return fn;
  }

  /** Sample [run.p, run.stop) of the window in `data`; calls `found` for each set filter bit, in the order the JavaScript loop would look them up. Returns where it stopped. */
  run(data: WebAssembly.Memory, run: KernelRun, found: OnCandidate): { p: number; countdown: number } {
    const fn = this.exportsFor(data);
    const rec = this.records;
    let { p, countdown } = run;
    while (p < run.stop) {
      const n = fn.scan(p, run.stop, run.step, countdown, run.every, run.fine * HEADER, run.coarse < 0 ? -1 : run.coarse * HEADER, this.outAt, RECORDS);
      for (let i = 0; i < n * 3; i += 3) {
        const kind = rec[i + 1] as number;
        found(kind >> 2 ? run.coarse : run.fine, rec[i + 2] as number, rec[i] as number, kind & 3);
      }
      p = fn.nextP.value as number;
      countdown = fn.nextCountdown.value as number;
    }
    return { p, countdown };
  }
}

// The scanner's WebAssembly modules (anchors.wat, grid.wat), each compiled once per thread.

const modules = new Map<string, WebAssembly.Module | null>();

/** The module of these bytes (base64), or null where WebAssembly, or a feature it uses, cannot run (`node --jitless`). */
export function wasmModule(base64: string): WebAssembly.Module | null {
  let m = modules.get(base64);
  if (m === undefined) {
    try {
      m = new WebAssembly.Module(Buffer.from(base64, 'base64'));
    } catch {
      m = null;
    }
    modules.set(base64, m);
  }
  return m;
}

/**
 * The worker's code, shipped as a string so the same thing runs under vitest, tsx, Vite and
 * the built package (a worker created from an inline string / Blob URL needs no file path).
 * A worker instantiates the kernels' module on the shared memory and then serves jobs forever:
 * it waits for the generation counter to move, claims chunks through the NEXT word, runs them
 * and counts them in DONE. See pool.ts for the protocol.
 */

/** Slots of the control block (an Int32Array on its own SharedArrayBuffer). */
export const Ctl = {
  GEN: 0,
  NEXT: 1,
  DONE: 2,
  FN: 3,
  DESC: 4,
  COUNT: 5,
  STOP: 6,
  /** Workers that have instantiated the module and entered the serving loop. */
  READY: 7,
  SIZE: 16,
} as const;

/** NEXT = tag(gen) << CHUNK_BITS | next chunk; a job has at most 2^21 − 1 chunks. */
export const CHUNK_BITS = 21;
export const MAX_CHUNKS = (1 << CHUNK_BITS) - 1;

const serve = `
function serve(msg) {
  const { module, memory, control, tid, kernels, spin } = msg;
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const fns = kernels.map((name) => instance.exports[name]);
  const ctl = new Int32Array(control);
  const GEN = ${Ctl.GEN}, NEXT = ${Ctl.NEXT}, DONE = ${Ctl.DONE}, FN = ${Ctl.FN}, DESC = ${Ctl.DESC}, COUNT = ${Ctl.COUNT}, STOP = ${Ctl.STOP};
  const BITS = ${CHUNK_BITS}, MASK = ${MAX_CHUNKS};
  let seen = Atomics.load(ctl, GEN);
  Atomics.add(ctl, ${Ctl.READY}, 1);
  for (;;) {
    let gen = Atomics.load(ctl, GEN);
    for (let i = 0; gen === seen && i < spin; i++) gen = Atomics.load(ctl, GEN);
    if (gen === seen) {
      Atomics.wait(ctl, GEN, seen);
      continue;
    }
    seen = gen;
    if (Atomics.load(ctl, STOP) !== 0) return;
    const fn = fns[Atomics.load(ctl, FN)];
    const desc = Atomics.load(ctl, DESC);
    const count = Atomics.load(ctl, COUNT);
    const tag = gen & 0x3ff;
    for (;;) {
      const cur = Atomics.load(ctl, NEXT);
      if ((cur >>> BITS) !== tag) break;
      const chunk = cur & MASK;
      if (chunk >= count) break;
      if (Atomics.compareExchange(ctl, NEXT, cur, cur + 1) !== cur) continue;
      fn(desc, chunk, tid);
      if (Atomics.add(ctl, DONE, 1) + 1 === count) Atomics.notify(ctl, DONE);
    }
  }
}
`;

/**
 * Source for a Node worker_threads Worker created with `eval: true`: CommonJS normally, but a
 * parent started with `--input-type=module` makes eval'd workers ES modules, so no `require`.
 */
export const nodeWorkerSource = `${serve}
const threads = typeof require === 'function' ? require('node:worker_threads') : process.getBuiltinModule('node:worker_threads');
threads.parentPort.once('message', serve);
`;

/** Source for a browser Web Worker (loaded from a Blob URL). */
export const browserWorkerSource = `${serve}
self.onmessage = (event) => serve(event.data);
`;

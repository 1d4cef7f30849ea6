/**
 * A pool of workers (worker_threads in Node, Web Workers in browsers) running the kernels'
 * module on the one shared memory. Dispatch is synchronous: the caller publishes a job
 * (kernel, descriptor address, chunk count), claims chunks itself like any worker, then waits
 * until every chunk is done. Workers that have not started yet simply take no chunks, so
 * nothing ever waits for a worker to come up.
 *
 * Protocol (control block slots in worker-source.ts): a job gets generation g. The caller
 * closes NEXT (-1: no tag matches), writes FN, DESC, COUNT, DONE = 0, opens NEXT = tag(g)·2^21,
 * then bumps GEN and notifies. A chunk is claimed by compare-exchange on NEXT only while NEXT
 * carries the claimant's tag, so a worker still finishing job g−1 can never take a chunk of
 * job g with g−1's parameters.
 */
import { CHUNK_BITS, Ctl, MAX_CHUNKS, browserWorkerSource, nodeWorkerSource } from './worker-source.js';
import { nodeBuiltin } from './loader.js';

/** A chunked kernel: (descriptor address, chunk index, thread id). */
export type ChunkFn = (desc: number, chunk: number, tid: number) => void;

interface AnyWorker {
  postMessage(msg: unknown): void;
  terminate(): unknown;
}

interface NodeWorkerThreads {
  Worker: new (src: string, opts: { eval: boolean; execArgv: string[] }) => AnyWorker & {
    unref(): void;
    on(event: 'error', listener: (e: unknown) => void): void;
  };
}

/** Iterations a thread polls before sleeping (≈ tens of µs): jobs of a recurrent layer come back to back. */
const SPIN = 20000;

function canBlockHere(probe: Int32Array): boolean {
  try {
    Atomics.wait(probe, Ctl.SIZE - 1, 1, 0);
    return true;
  } catch {
    return false; // a browser main thread may not block
  }
}

function startWorker(): AnyWorker | null {
  const wt = nodeBuiltin<NodeWorkerThreads>('node:worker_threads');
  if (wt) {
    // No inherited flags (--import tsx, --input-type …): the worker runs plain JS.
    const w = new wt.Worker(nodeWorkerSource, { eval: true, execArgv: [] });
    w.unref(); // the pool never keeps a Node process alive
    // A worker that fails to start never claims a chunk: the others (and the caller) do its share.
    w.on('error', () => {});
    return w;
  }
  const g = globalThis as { Worker?: new (url: string) => AnyWorker; Blob?: typeof Blob; URL?: typeof URL };
  if (g.Worker && g.Blob && g.URL) {
    const url = g.URL.createObjectURL(new g.Blob([browserWorkerSource], { type: 'text/javascript' }));
    return new g.Worker(url);
  }
  return null;
}

export class Pool {
  /** Threads that run chunks, the caller included. */
  readonly threads: number;
  private readonly ctl: Int32Array;
  private readonly fns: readonly ChunkFn[];
  private readonly workers: AnyWorker[] = [];
  private readonly canBlock: boolean;
  private gen = 0;

  /**
   * @param fns the caller's own instance of each chunked kernel, in `kernelNames` order
   * @param threads total threads wanted (1 = no workers)
   */
  constructor(
    module: WebAssembly.Module, memory: WebAssembly.Memory, fns: readonly ChunkFn[], kernelNames: readonly string[],
    threads: number,
  ) {
    this.fns = fns;
    const sab = threads > 1 ? new SharedArrayBuffer(Ctl.SIZE * 4) : new ArrayBuffer(Ctl.SIZE * 4);
    this.ctl = new Int32Array(sab);
    this.canBlock = threads > 1 && canBlockHere(this.ctl);
    let started = 1;
    for (let tid = 1; tid < threads; tid++) {
      const w = startWorker();
      if (!w) break;
      w.postMessage({ module, memory, control: sab, tid, kernels: kernelNames, spin: SPIN });
      this.workers.push(w);
      started++;
    }
    this.threads = started;
  }

  /** Workers that are serving jobs now. */
  get ready(): number {
    return this.threads > 1 ? Atomics.load(this.ctl, Ctl.READY) : 0;
  }

  /** Runs chunks 0 … count−1 of kernel `fn` over all threads (or the caller alone when `inline`); returns when all are done. */
  run(fn: number, desc: number, count: number, inline = false): void {
    const kernel = this.fns[fn]!;
    if (count <= 0) return;
    if (inline || count === 1 || this.ready === 0) {
      for (let c = 0; c < count; c++) kernel(desc, c, 0);
      return;
    }
    if (count > MAX_CHUNKS) throw new Error(`pool: ${count} chunks exceed ${MAX_CHUNKS}`);
    const ctl = this.ctl;
    this.gen = (this.gen + 1) & 0x7fffffff;
    const tag = this.gen & 0x3ff;
    Atomics.store(ctl, Ctl.NEXT, -1);
    Atomics.store(ctl, Ctl.FN, fn);
    Atomics.store(ctl, Ctl.DESC, desc);
    Atomics.store(ctl, Ctl.COUNT, count);
    Atomics.store(ctl, Ctl.DONE, 0);
    Atomics.store(ctl, Ctl.NEXT, tag << CHUNK_BITS);
    Atomics.store(ctl, Ctl.GEN, this.gen);
    Atomics.notify(ctl, Ctl.GEN);
    for (;;) {
      const cur = Atomics.load(ctl, Ctl.NEXT);
      const chunk = cur & MAX_CHUNKS;
      if (cur >>> CHUNK_BITS !== tag || chunk >= count) break;
      if (Atomics.compareExchange(ctl, Ctl.NEXT, cur, cur + 1) !== cur) continue;
      kernel(desc, chunk, 0);
      Atomics.add(ctl, Ctl.DONE, 1);
    }
    let spins = 0;
    for (;;) {
      const done = Atomics.load(ctl, Ctl.DONE);
      if (done >= count) return;
      if (this.canBlock && ++spins > SPIN) Atomics.wait(ctl, Ctl.DONE, done, 1);
    }
  }

  /** Stops the workers (a later pool starts new ones). */
  close(): void {
    if (this.workers.length === 0) return;
    Atomics.store(this.ctl, Ctl.STOP, 1);
    Atomics.add(this.ctl, Ctl.GEN, 1);
    Atomics.notify(this.ctl, Ctl.GEN);
    for (const w of this.workers) void w.terminate();
    this.workers.length = 0;
  }
}

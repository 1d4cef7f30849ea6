/**
 * The wasm backend's state: the compiled module, the one memory with its arena, the caller's
 * instance and the worker pool. Created once (synchronously in Node, by `initBackend()` in
 * browsers); `setThreads` swaps the pool.
 */
import { Arena, createMemory } from './arena.js';
import { type ModuleFlavor, loadModuleAsync, loadModuleSync, nodeBuiltin, sharedMemoryAvailable } from './loader.js';
import { type ChunkFn, Pool } from './pool.js';
import { GlimpseError } from '../../util/errors.js';

/** Kernels split into chunks across threads; their index is the pool's `fn`. */
export const CHUNKED = [
  'gemm_chunk', 'softmax_chunk', 'softmax_bwd_chunk', 'ce_chunk', 'ce_bwd_chunk', 'adam_chunk', 'sdpa_fwd_chunk', 'sdpa_bwd_chunk',
  'lstm_fwd_chunk', 'lstm_bwd_chunk', 'gru_fwd_chunk', 'gru_bwd_chunk', 'unary_chunk',
  'unary_bwd_chunk',
] as const;
export type ChunkedKernel = (typeof CHUNKED)[number];

/** The module's exports (see assembly/index.ts). Pointers are byte addresses, booleans 0/1. */
export interface Kernels {
  gemm_pack_b(b: number, rs: number, cs: number, k: number, n: number, kc: number, dst: number): void;
  unary(op: number, x: number, out: number, n: number): void;
  fill_rows(dst: number, rows: number, n: number, b1: number, b2: number): void;
  sum_axis(x: number, outer: number, n: number, inner: number, out: number, accumulate: number, scratch: number): void;
  rnn_step_scratch(rowsPerChunk: number, kc: number): number;
}

export class Runtime {
  readonly arena: Arena;
  readonly k: Kernels;
  private pool: Pool;
  private readonly module: WebAssembly.Module;
  private readonly chunkFns: ChunkFn[];
  readonly shared: boolean;

  constructor(module: WebAssembly.Module, shared: boolean, threads: number) {
    this.module = module;
    this.shared = shared;
    const memory = createMemory(shared, 256);
    this.arena = new Arena(memory);
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    this.k = instance.exports as unknown as Kernels;
    this.chunkFns = CHUNKED.map((name) => instance.exports[name] as ChunkFn);
    this.pool = new Pool(module, memory, this.chunkFns, CHUNKED, shared ? threads : 1);
  }

  /** Threads in use (the caller included). */
  get threads(): number {
    return this.pool.threads;
  }

  /** Pool workers serving jobs now. */
  get workersReady(): number {
    return this.pool.ready;
  }

  /** Resolves once every worker serves jobs (they start asynchronously; until then the caller runs all chunks). */
  async whenReady(timeoutMs = 10_000): Promise<void> {
    const start = Date.now();
    while (this.pool.ready < this.pool.threads - 1) {
      if (Date.now() - start > timeoutMs) throw new GlimpseError(`wasm backend: workers not ready after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Runs chunks 0 … count−1 of `kernel` on the pool, or all on the calling thread when `inline`. */
  run(kernel: ChunkedKernel, desc: number, count: number, inline = false): void {
    this.pool.run(CHUNKED.indexOf(kernel), desc, count, inline);
  }

  /** Replaces the pool with one of `threads` threads (1 without shared memory). */
  setThreads(threads: number): void {
    this.pool.close();
    this.pool = new Pool(this.module, this.arena.memory, this.chunkFns, CHUNKED, this.shared ? threads : 1);
  }

  /** Writes a descriptor of int32 slots (a number marked by `f32(…)` is stored as a float). */
  desc(slots: readonly (number | F32)[]): number {
    const p = this.arena.alloc(slots.length * 4);
    const i32 = this.arena.i32;
    const f32 = this.arena.f32;
    slots.forEach((v, i) => {
      if (typeof v === 'number') i32[(p >>> 2) + i] = v;
      else f32[(p >>> 2) + i] = v.value;
    });
    return p;
  }
}

/** A descriptor slot holding a float. */
export interface F32 {
  value: number;
}

export const f32 = (value: number): F32 => ({ value });

// ---- threads and bring-up ------------------------------------------------------------------

/** `GLIMPSE_THREADS` as a number (null when unset); throws a GlimpseError when it is not a positive integer. */
export function envThreads(): number | null {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const raw = env?.GLIMPSE_THREADS;
  if (raw === undefined || raw === '') return null;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new GlimpseError(`GLIMPSE_THREADS must be a positive integer, got "${raw}"`);
  return n;
}

/** `GLIMPSE_THREADS`, else the cores available (Node's availableParallelism, navigator.hardwareConcurrency). */
export function defaultThreads(): number {
  const fromEnv = envThreads();
  if (fromEnv !== null) return fromEnv;
  const os = nodeBuiltin<{ availableParallelism?: () => number; cpus(): unknown[] }>('node:os');
  if (os) return os.availableParallelism?.() ?? os.cpus().length;
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  return nav?.hardwareConcurrency ?? 1;
}

let runtime: Runtime | null = null;
let wantedThreads: number | null = null;

function flavor(): ModuleFlavor {
  return sharedMemoryAvailable() ? 'threads' : 'single';
}

/** The runtime, created synchronously on first use (Node), or the one `initWasm` made. */
export function getRuntime(): Runtime {
  if (!runtime) {
    const f = flavor();
    runtime = new Runtime(loadModuleSync(f), f === 'threads', wantedThreads ?? defaultThreads());
  }
  return runtime;
}

/** Creates the runtime asynchronously (browsers: fetches the module). Idempotent. */
export async function initWasm(): Promise<Runtime> {
  if (!runtime) {
    const f = flavor();
    const module = await loadModuleAsync(f);
    runtime ??= new Runtime(module, f === 'threads', wantedThreads ?? defaultThreads());
  }
  return runtime;
}

/** What the wasm backend runs on (see {@link wasmInfo}). */
export interface WasmInfo {
  /** Threads kernels are split over, the calling thread included (1 without SharedArrayBuffer). */
  threads: number;
  /** Whether the module runs on a shared memory (the threads build). */
  shared: boolean;
  /** Pool workers that have started serving jobs (they start asynchronously). */
  workersReady: number;
}

/**
 * How the wasm kernels run here, or null before they are loaded. In a browser, threads need
 * cross-origin isolation (COOP/COEP headers); without it the single-thread build runs.
 *
 * @example
 * await initBackend();
 * wasmInfo(); // { threads: 8, shared: true, workersReady: 7 }
 */
export function wasmInfo(): WasmInfo | null {
  if (!runtime) return null;
  return { threads: runtime.threads, shared: runtime.shared, workersReady: runtime.workersReady };
}

/** Sets the number of threads kernels use (the caller included); takes effect at once. */
export function setWasmThreads(threads: number): void {
  if (!Number.isInteger(threads) || threads < 1) throw new GlimpseError(`setThreads: expected a positive integer, got ${threads}`);
  wantedThreads = threads;
  runtime?.setThreads(threads);
}

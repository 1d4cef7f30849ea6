import type { Backend } from '../backend.js';
import { GlimpseError } from '../../util/errors.js';
import type { NativeAddon, NativeInfo } from './addon.js';
import { createNativeBackend } from './backend.js';
import { loadAddon } from './load.js';

export type { NativeInfo } from './addon.js';

/** The loaded addon and its backend, or why it could not load; tried once per process. */
let state: { addon: NativeAddon; backend: Backend } | { error: string } | null = null;
/** A thread count asked for (setThreads) before the addon loaded. */
let preferredThreads: number | null = null;

function envThreads(env: Record<string, string | undefined> | undefined): number | null {
  const raw = env?.GLIMPSE_THREADS;
  if (raw === undefined || raw === '') return null;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1024) {
    throw new GlimpseError(`GLIMPSE_THREADS must be a whole number from 1 to 1024, got "${raw}"`);
  }
  return n;
}

function defaultThreads(): number {
  const proc = (globalThis as { process?: { getBuiltinModule?: (n: string) => unknown } }).process;
  const os = proc?.getBuiltinModule?.('node:os') as { availableParallelism?: () => number; cpus?: () => unknown[] } | undefined;
  return os?.availableParallelism?.() ?? os?.cpus?.().length ?? 1;
}

/**
 * The native backend (Node only): loads the addon on first use and sizes its thread pool from
 * `GLIMPSE_THREADS` or the number of cores. Throws a GlimpseError saying why it is unavailable.
 */
export function loadNativeBackend(): Backend {
  if (state === null) {
    try {
      const addon = loadAddon();
      const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
      addon.setThreads(preferredThreads ?? envThreads(env) ?? defaultThreads());
      state = { addon, backend: createNativeBackend(addon) };
    } catch (e) {
      state = { error: e instanceof Error ? e.message : String(e) };
    }
  }
  if ('error' in state) throw new GlimpseError(`backend "native" is not available: ${state.error}`);
  return state.backend;
}

/**
 * The thread count for the native pool from the backend-wide `setThreads`: applied now if the
 * addon is loaded, else when it loads. (n is validated by the caller.)
 */
export function preferNativeThreads(n: number): void {
  preferredThreads = n;
  if (state !== null && !('error' in state)) state.addon.setThreads(n);
}

/** The loaded addon itself (tests build backends over it with other options). */
export function nativeAddon(): NativeAddon {
  return addon('nativeAddon');
}

function addon(op: string): NativeAddon {
  loadNativeBackend();
  if (state === null || 'error' in state) throw new GlimpseError(`${op}: the native backend is not available`);
  return state.addon;
}

/**
 * Sets how many threads the native kernels use (the calling thread included); the default is
 * `GLIMPSE_THREADS`, else the number of cores.
 *
 * @example setNativeThreads(1); // deterministic single-core timings
 */
export function setNativeThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > 1024) {
    throw new GlimpseError(`setNativeThreads: n must be a whole number from 1 to 1024, got ${n}`);
  }
  addon('setNativeThreads').setThreads(n);
}

/**
 * What the native backend runs on: micro-kernel family ('avx512', 'avx2', 'neon', 'generic') and
 * thread count.
 *
 * @example nativeInfo(); // { isa: 'avx512', threads: 2, napiVersion: 8 }
 */
export function nativeInfo(): NativeInfo {
  return addon('nativeInfo').info();
}

/**
 * The cores' floating-point peak as the native kernels can reach it: an FMA-throughput probe
 * (independent vector FMAs in registers, ≈ 50 ms per thread) with the active kernel family's
 * vectors, summed over `threads` (default: all the backend's threads). GFLOP/s, or null for the
 * portable family, which has no vector FMA. The benchmarks report GEMM as a fraction of it.
 *
 * @example const peak = nativeFmaPeak(1); // one core's GFLOP/s
 */
export function nativeFmaPeak(threads?: number): number | null {
  const a = addon('nativeFmaPeak');
  const gflops = a.fmaPeak(threads ?? a.info().threads);
  return gflops > 0 ? gflops : null;
}

const ISA_CODES = { generic: 0, avx2: 1, avx512: 2, neon: 3 } as const;

/**
 * Selects a lower kernel family than the CPU's best (tests use it to run the AVX2 and portable
 * paths on an AVX-512 machine); never a higher one. Returns the family now in use.
 *
 * @example setNativeIsa('generic');
 */
export function setNativeIsa(isa: keyof typeof ISA_CODES): string {
  const code = ISA_CODES[isa];
  if (code === undefined) throw new GlimpseError(`setNativeIsa: unknown family "${String(isa)}": expected one of ${Object.keys(ISA_CODES).join(', ')}`);
  return addon('setNativeIsa').setIsa(code);
}

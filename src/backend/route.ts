/**
 * Which calls a fast backend (wasm, native) hands to the reference kernels, written once per
 * backend as a table keyed by kernel name instead of a check at the top of every method:
 * float64 data (gradient checks: the fast kernels are float32 only), calls too small to repay
 * the fast kernel's fixed cost (a copy into wasm memory, a Node-API call), and operands the fast
 * kernel does not take (an op it has no code for, mixed element types).
 */
import type { AnyArray, Backend } from './backend.js';
import { refBackend } from './ref/backend.js';

/** The kernels of a backend: every member but its name. */
export type KernelName = Exclude<keyof Backend, 'name'>;

type Args<K extends KernelName> = Parameters<Backend[K]>;

/** When one kernel runs on the reference backend instead of the fast one. */
export interface Route<K extends KernelName> {
  /** The operand whose element type decides: Float64Array data always runs on the reference. */
  readonly data: (...a: Args<K>) => AnyArray;
  /** The call's work (elements, multiply-adds): below `min` it runs on the reference. Absent: any size. */
  readonly size?: (...a: Args<K>) => number;
  /** The smallest work worth the fast kernel, read at each call (parity tests lower it to 0). */
  readonly min?: (...a: Args<K>) => number;
  /** Whether the fast kernel takes these operands at all. Absent: always. */
  readonly takes?: (...a: Args<K>) => boolean;
}

/**
 * The most arguments a kernel takes (layerNormBackward has 10). The router passes its arguments
 * on one by one, not as a spread array: a rest-and-spread wrapper shared by every kernel costs
 * more than the small reference kernels it guards (~0.1 µs → ~1 µs per call, measured).
 */
type Arity = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10;

/**
 * One route per kernel; `tsc` refuses a table that misses a kernel it is typed for, or a kernel
 * with more arguments than the router passes on.
 */
export type Routes<K extends KernelName> = { readonly [N in K]: Args<N>['length'] extends Arity ? Route<N> : never };

/** Any kernel or route function, as the router calls it: ten arguments, unused ones undefined. */
type Ten = (a0: unknown, a1: unknown, a2: unknown, a3: unknown, a4: unknown, a5: unknown, a6: unknown, a7: unknown, a8: unknown, a9: unknown) => unknown;

/**
 * The kernels named in `routes`, each running `fast` — written without any fallback check —
 * unless its route sends the call to the reference backend.
 *
 * @example
 * const kernels = routed({ axpy: { data: (_, x) => x, size: (_, x) => x.length, min: () => 64 } },
 *   { axpy: (alpha, x, y) => addon.axpy(alpha, x, y) });
 */
export function routed<K extends KernelName>(routes: Routes<K>, fast: Pick<Backend, K>): Pick<Backend, K> {
  const out: Partial<Record<K, Ten>> = {};
  for (const name of Object.keys(routes) as K[]) {
    out[name] = route(routes[name] as Route<K>, refBackend[name] as unknown as Ten, fast[name] as unknown as Ten);
  }
  return out as unknown as Pick<Backend, K>;
}

function route<K extends KernelName>(r: Route<K>, slow: Ten, quick: Ten): Ten {
  const data = r.data as unknown as Ten;
  const size = r.size as unknown as Ten | undefined;
  const min = r.min as unknown as Ten | undefined;
  const takes = r.takes as unknown as Ten | undefined;
  return (a0, a1, a2, a3, a4, a5, a6, a7, a8, a9) =>
    data(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9) instanceof Float64Array
    || (takes !== undefined && !takes(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9))
    || (size !== undefined && min !== undefined && (size(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9) as number) < (min(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9) as number))
      ? slow(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9)
      : quick(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9);
}

/**
 * onnxruntime-node for the ONNX export tests: a devDependency whose native binary may be
 * missing on some machines, so tests skip with a message when it cannot load.
 */
import { createRequire } from 'node:module';

export type Ort = typeof import('onnxruntime-node');

function load(): { ort: Ort | null; why: string } {
  try {
    return { ort: createRequire(import.meta.url)('onnxruntime-node') as Ort, why: '' };
  } catch (e) {
    return { ort: null, why: (e as Error).message.split('\n')[0]! };
  }
}

const loaded = load();
export const ort: Ort | null = loaded.ort;
if (!ort) console.warn(`ONNX Runtime tests skipped: onnxruntime-node cannot be loaded (${loaded.why})`);

/** Runs a model's bytes on named inputs and returns every output as a flat Float32Array / BigInt64Array with its dims. */
export async function runOnnx(bytes: Uint8Array, feeds: Record<string, { data: Float32Array | BigInt64Array | Int32Array | Uint8Array; dims: number[] }>): Promise<Record<string, { data: Float32Array; dims: readonly number[] }>> {
  const session = await ort!.InferenceSession.create(bytes);
  const inputs: Record<string, InstanceType<Ort['Tensor']>> = {};
  for (const [name, f] of Object.entries(feeds)) {
    const d = f.data;
    inputs[name] = d instanceof Float32Array ? new ort!.Tensor('float32', d, f.dims)
      : d instanceof Int32Array ? new ort!.Tensor('int32', d, f.dims)
        : d instanceof BigInt64Array ? new ort!.Tensor('int64', d, f.dims)
          : new ort!.Tensor('bool', d, f.dims);
  }
  const out = await session.run(inputs);
  await session.release();
  return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, { data: t.data as Float32Array, dims: t.dims }]));
}

/** Ids as int64 data. */
export function int64(ids: readonly number[]): BigInt64Array {
  return BigInt64Array.from(ids.map((i) => BigInt(i)));
}

/** Largest absolute difference between two arrays of equal length (Infinity when lengths differ). */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

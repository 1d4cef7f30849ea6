/**
 * The wasm backend's one memory and its scratch arena. A kernel call copies its inputs in,
 * runs, and copies its outputs back; the arena is a bump allocator reset at the start of every
 * call, so memory only grows when one call needs more than any call before it (it stops
 * growing after warm-up however long training runs).
 */
import type { AnyArray } from '../backend.js';
import { GlimpseError } from '../../util/errors.js';

const PAGE = 65536;
/** Address 0 means "no array" to the kernels; the first page stays unused. */
const BASE = PAGE;
const ALIGN = 64;
// Addresses go up to 4 GiB: index typed arrays with `p >>> 2`, never `p >> 2` (negative past 2 GiB).

export class Arena {
  readonly memory: WebAssembly.Memory;
  private top = BASE;
  private buffer: ArrayBufferLike;
  f32: Float32Array;
  i32: Int32Array;
  u8: Uint8Array;

  constructor(memory: WebAssembly.Memory) {
    this.memory = memory;
    this.buffer = memory.buffer;
    this.f32 = new Float32Array(this.buffer);
    this.i32 = new Int32Array(this.buffer);
    this.u8 = new Uint8Array(this.buffer);
  }

  /** Bytes the memory has now. */
  get bytes(): number {
    return this.memory.buffer.byteLength;
  }

  /** Frees everything allocated since the last reset (the start of a kernel call). */
  reset(): void {
    this.top = BASE;
  }

  /** Reserves `bytes` (64-byte aligned), growing the memory if needed; returns the address. */
  alloc(bytes: number): number {
    const at = this.top;
    this.top = at + Math.ceil(bytes / ALIGN) * ALIGN;
    if (this.top > this.memory.buffer.byteLength) this.grow(this.top);
    return at;
  }

  /** Room for `n` floats / int32s. */
  allocF32(n: number): number {
    return this.alloc(n * 4);
  }

  /** Room for `n` floats, zero-filled. */
  zerosF32(n: number): number {
    const p = this.alloc(n * 4);
    this.f32.fill(0, p >>> 2, (p >>> 2) + n);
    return p;
  }

  /** Copies `n` floats from address `src` to address `dst` inside the arena. */
  move(dst: number, src: number, n: number): void {
    this.f32.copyWithin(dst >>> 2, src >>> 2, (src >>> 2) + n);
  }

  /** Copies a float32 / int32 / uint8 array in; returns its address (0 for null). */
  put(a: AnyArray | null): number {
    if (a === null) return 0;
    if (a instanceof Uint8Array) {
      const p = this.alloc(a.length);
      this.u8.set(a, p);
      return p;
    }
    const p = this.alloc(a.length * 4);
    if (a instanceof Int32Array) this.i32.set(a, p >>> 2);
    else this.f32.set(a as Float32Array, p >>> 2);
    return p;
  }

  /** Copies `n` floats at address `p` out into `dst`. */
  get(p: number, dst: Float32Array | Float64Array | Int32Array): void {
    if (dst instanceof Int32Array) dst.set(this.i32.subarray(p >>> 2, (p >>> 2) + dst.length));
    else dst.set(this.f32.subarray(p >>> 2, (p >>> 2) + dst.length));
  }

  /** A float32 view of `n` floats at `p` (valid until the memory grows). */
  viewF32(p: number, n: number): Float32Array {
    return this.f32.subarray(p >>> 2, (p >>> 2) + n);
  }

  private grow(needed: number): void {
    const have = this.memory.buffer.byteLength;
    // Grow by at least a quarter so a slowly rising need does not grow on every call.
    const want = Math.max(needed, have + Math.floor(have / 4));
    const pages = Math.ceil((want - have) / PAGE);
    try {
      this.memory.grow(pages);
    } catch {
      const exact = Math.ceil((needed - have) / PAGE);
      try {
        this.memory.grow(exact);
      } catch {
        throw new GlimpseError(`wasm backend: cannot grow memory to ${needed} bytes (a single kernel call needs that much)`);
      }
    }
    this.refresh();
  }

  /** Re-creates the views after a grow (a grown memory has a new buffer object). */
  refresh(): void {
    if (this.buffer === this.memory.buffer && this.f32.length * 4 === this.memory.buffer.byteLength) return;
    this.buffer = this.memory.buffer;
    this.f32 = new Float32Array(this.buffer);
    this.i32 = new Int32Array(this.buffer);
    this.u8 = new Uint8Array(this.buffer);
  }
}

/** A memory for the kernels: shared when the pool can use it; `maximum` must match the module's import. */
export function createMemory(shared: boolean, initialPages: number): WebAssembly.Memory {
  // 4 GiB of address space is only reserved, not used; some browsers refuse that much, so fall back.
  for (const maximum of [65536, 16384, 4096]) {
    try {
      return new WebAssembly.Memory({ initial: initialPages, maximum, shared });
    } catch {
      // try a smaller reservation
    }
  }
  throw new GlimpseError('wasm backend: cannot create a WebAssembly.Memory');
}

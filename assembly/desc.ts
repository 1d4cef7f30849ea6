// Kernel parameters travel in a small descriptor in wasm memory (written by the TypeScript
// side), so every parallel kernel has the same signature: (desc, chunk, tid).

/** i32 slot `slot` of the descriptor at `desc`. */
@inline export function int(desc: usize, slot: i32): i32 {
  return load<i32>(desc + (<usize>slot << 2));
}

/** f32 slot `slot` of the descriptor at `desc`. */
@inline export function flt(desc: usize, slot: i32): f32 {
  return load<f32>(desc + (<usize>slot << 2));
}

/** Pointer slot `slot` (a byte address). */
@inline export function ptr(desc: usize, slot: i32): usize {
  return <usize>load<u32>(desc + (<usize>slot << 2));
}

/** Byte address of float/int32 element `i` of the array at `base` (avoids the `base + i << 2` trap). */
@inline export function at(base: usize, i: i32): usize {
  return base + (<usize>i << 2);
}

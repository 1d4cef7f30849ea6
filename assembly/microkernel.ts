// The GEMM micro-kernel: an MR×NR tile of C held in SIMD registers over a kc-deep slice.
// 2×16 = 8 f32x4 accumulators + 4 B vectors + 1 broadcast A value = 13 registers: V8 keeps it
// all in XMM registers. Measured in CPU time per call on the dev VM (one core, 512³):
// 2×16 57 GFLOP/s, 4×8 46, 3×8 43, 6×8 33 (spills), 3×12 and 2×20 ~25 (spills); unrolling
// the k loop made V8 spill too.

export const MR: i32 = 2;
export const NR: i32 = 16;

/**
 * tile (+)= Σ_p pa[p, 0:MR] ⊗ pb[p, 0:NR], with pa/pb packed panels ([kc][MR], [kc][NR]) and
 * the tile row-major with leading dimension ldc (in floats).
 */
export function microKernel(kc: i32, pa: usize, pb: usize, c: usize, ldc: i32, add: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c02 = f32x4.splat(0), c03 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0), c12 = f32x4.splat(0), c13 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    const b2 = v128.load(pb, 32);
    const b3 = v128.load(pb, 48);
    const a0 = v128.load32_splat(pa);
    c00 = f32x4.add(c00, f32x4.mul(a0, b0));
    c01 = f32x4.add(c01, f32x4.mul(a0, b1));
    c02 = f32x4.add(c02, f32x4.mul(a0, b2));
    c03 = f32x4.add(c03, f32x4.mul(a0, b3));
    const a1 = v128.load32_splat(pa, 4);
    c10 = f32x4.add(c10, f32x4.mul(a1, b0));
    c11 = f32x4.add(c11, f32x4.mul(a1, b1));
    c12 = f32x4.add(c12, f32x4.mul(a1, b2));
    c13 = f32x4.add(c13, f32x4.mul(a1, b3));
    pa += 8;
    pb += 64;
  }
  storeRow(c, c00, c01, c02, c03, add);
  storeRow(c + (<usize>ldc << 2), c10, c11, c12, c13, add);
}

@inline function storeRow(c: usize, v0: v128, v1: v128, v2: v128, v3: v128, add: bool): void {
  if (add) {
    v0 = f32x4.add(v0, v128.load(c));
    v1 = f32x4.add(v1, v128.load(c, 16));
    v2 = f32x4.add(v2, v128.load(c, 32));
    v3 = f32x4.add(v3, v128.load(c, 48));
  }
  v128.store(c, v0);
  v128.store(c, v1, 16);
  v128.store(c, v2, 32);
  v128.store(c, v3, 48);
}

// The GEMM micro-kernel: an MR×NR tile of C held in SIMD registers over a kc-deep slice.
// 4×8 = 8 f32x4 accumulators + 2 B vectors + 1 broadcast A value = 11 registers. V8 keeps this
// in XMM registers; 6×8 (15 registers) and any unrolled variant made it spill accumulators to
// the stack every iteration and ran at ~2/3 of the speed (measured in CPU time per call).

export const MR: i32 = 4;
export const NR: i32 = 8;

/**
 * tile (+)= Σ_p pa[p, 0:MR] ⊗ pb[p, 0:NR], with pa/pb packed panels ([kc][MR], [kc][NR]) and
 * the tile row-major with leading dimension ldc (in floats).
 */
export function microKernel(kc: i32, pa: usize, pb: usize, c: usize, ldc: i32, add: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    const a0 = v128.load32_splat(pa);
    c00 = f32x4.add(c00, f32x4.mul(a0, b0));
    c01 = f32x4.add(c01, f32x4.mul(a0, b1));
    const a1 = v128.load32_splat(pa, 4);
    c10 = f32x4.add(c10, f32x4.mul(a1, b0));
    c11 = f32x4.add(c11, f32x4.mul(a1, b1));
    const a2 = v128.load32_splat(pa, 8);
    c20 = f32x4.add(c20, f32x4.mul(a2, b0));
    c21 = f32x4.add(c21, f32x4.mul(a2, b1));
    const a3 = v128.load32_splat(pa, 12);
    c30 = f32x4.add(c30, f32x4.mul(a3, b0));
    c31 = f32x4.add(c31, f32x4.mul(a3, b1));
    pa += 16;
    pb += 32;
  }
  const ld = <usize>ldc << 2;
  storeRow(c, c00, c01, add);
  storeRow(c + ld, c10, c11, add);
  storeRow(c + 2 * ld, c20, c21, add);
  storeRow(c + 3 * ld, c30, c31, add);
}

@inline function storeRow(c: usize, v0: v128, v1: v128, add: bool): void {
  if (add) {
    v0 = f32x4.add(v0, v128.load(c));
    v1 = f32x4.add(v1, v128.load(c, 16));
  }
  v128.store(c, v0);
  v128.store(c, v1, 16);
}

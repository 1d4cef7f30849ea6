// The GEMM micro-kernel: an MR×NR tile of C held in SIMD registers over a kc-deep slice.
// 6×8 = 12 f32x4 accumulators + 2 B vectors + 1 broadcast A value = 15 registers, which fits
// x64's 16 XMM registers (V8 keeps one as scratch) without spills.

export const MR: i32 = 6;
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
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0);
  let c50 = f32x4.splat(0), c51 = f32x4.splat(0);
  let p = 0;
  for (; p + 1 < kc; p += 2) {
    let b0 = v128.load(pb);
    let b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = f32x4.add(c00, f32x4.mul(a, b0)); c01 = f32x4.add(c01, f32x4.mul(a, b1));
    a = v128.load32_splat(pa, 4);
    c10 = f32x4.add(c10, f32x4.mul(a, b0)); c11 = f32x4.add(c11, f32x4.mul(a, b1));
    a = v128.load32_splat(pa, 8);
    c20 = f32x4.add(c20, f32x4.mul(a, b0)); c21 = f32x4.add(c21, f32x4.mul(a, b1));
    a = v128.load32_splat(pa, 12);
    c30 = f32x4.add(c30, f32x4.mul(a, b0)); c31 = f32x4.add(c31, f32x4.mul(a, b1));
    a = v128.load32_splat(pa, 16);
    c40 = f32x4.add(c40, f32x4.mul(a, b0)); c41 = f32x4.add(c41, f32x4.mul(a, b1));
    a = v128.load32_splat(pa, 20);
    c50 = f32x4.add(c50, f32x4.mul(a, b0)); c51 = f32x4.add(c51, f32x4.mul(a, b1));
    b0 = v128.load(pb, 32);
    b1 = v128.load(pb, 48);
    a = v128.load32_splat(pa, 24);
    c00 = f32x4.add(c00, f32x4.mul(a, b0)); c01 = f32x4.add(c01, f32x4.mul(a, b1));
    a = v128.load32_splat(pa, 28);
    c10 = f32x4.add(c10, f32x4.mul(a, b0)); c11 = f32x4.add(c11, f32x4.mul(a, b1));
    a = v128.load32_splat(pa, 32);
    c20 = f32x4.add(c20, f32x4.mul(a, b0)); c21 = f32x4.add(c21, f32x4.mul(a, b1));
    a = v128.load32_splat(pa, 36);
    c30 = f32x4.add(c30, f32x4.mul(a, b0)); c31 = f32x4.add(c31, f32x4.mul(a, b1));
    a = v128.load32_splat(pa, 40);
    c40 = f32x4.add(c40, f32x4.mul(a, b0)); c41 = f32x4.add(c41, f32x4.mul(a, b1));
    a = v128.load32_splat(pa, 44);
    c50 = f32x4.add(c50, f32x4.mul(a, b0)); c51 = f32x4.add(c51, f32x4.mul(a, b1));
    pa += 48;
    pb += 64;
  }
  if (p < kc) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = f32x4.add(c00, f32x4.mul(a, b0)); c01 = f32x4.add(c01, f32x4.mul(a, b1));
    a = v128.load32_splat(pa, 4);
    c10 = f32x4.add(c10, f32x4.mul(a, b0)); c11 = f32x4.add(c11, f32x4.mul(a, b1));
    a = v128.load32_splat(pa, 8);
    c20 = f32x4.add(c20, f32x4.mul(a, b0)); c21 = f32x4.add(c21, f32x4.mul(a, b1));
    a = v128.load32_splat(pa, 12);
    c30 = f32x4.add(c30, f32x4.mul(a, b0)); c31 = f32x4.add(c31, f32x4.mul(a, b1));
    a = v128.load32_splat(pa, 16);
    c40 = f32x4.add(c40, f32x4.mul(a, b0)); c41 = f32x4.add(c41, f32x4.mul(a, b1));
    a = v128.load32_splat(pa, 20);
    c50 = f32x4.add(c50, f32x4.mul(a, b0)); c51 = f32x4.add(c51, f32x4.mul(a, b1));
  }
  const ld = <usize>ldc << 2;
  storeRow(c, c00, c01, add);
  storeRow(c + ld, c10, c11, add);
  storeRow(c + 2 * ld, c20, c21, add);
  storeRow(c + 3 * ld, c30, c31, add);
  storeRow(c + 4 * ld, c40, c41, add);
  storeRow(c + 5 * ld, c50, c51, add);
}

@inline function storeRow(c: usize, v0: v128, v1: v128, add: bool): void {
  if (add) {
    v0 = f32x4.add(v0, v128.load(c));
    v1 = f32x4.add(v1, v128.load(c, 16));
  }
  v128.store(c, v0);
  v128.store(c, v1, 16);
}

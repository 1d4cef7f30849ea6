// The per-instruction-set pieces of the GEMM: micro-kernel and packing, as a table.
#pragma once

namespace glimpse {

struct GemmKernel {
  int mr;  // rows of a micro-tile (A panel height)
  int nr;  // columns of a micro-tile (B panel width)
  /**
   * C[mr_eff × nr_eff] (+)= Ap·Bp over kc, where Ap is an MR-row panel (kc·MR floats) and Bp an
   * NR-column panel (kc·NR floats), both zero-padded.
   */
  void (*kernel)(int kc, const float* ap, const float* bp, float* c, long ldc, int mrEff, int nrEff, bool accumulate);
  /** Packs A[mc×kc] (element (i, p) at a[i·rs + p·cs]) into ceil(mc/MR) panels of kc·MR. */
  void (*packA)(int mc, int kc, const float* a, long rs, long cs, float* dst);
  /** Packs B[kc×nc] (element (p, j) at b[p·rs + j·cs]) into ceil(nc/NR) panels of kc·NR. */
  void (*packB)(int kc, int nc, const float* b, long rs, long cs, float* dst);
};

const GemmKernel& gemmKernelGeneric();
#if defined(__x86_64__) || defined(_M_X64)
const GemmKernel& gemmKernelAvx2();
const GemmKernel& gemmKernelAvx512();
#endif
#if defined(__aarch64__) || defined(_M_ARM64)
const GemmKernel& gemmKernelNeon();
#endif

}  // namespace glimpse

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
  /**
   * For products with few rows and B transposed (decoder steps, beam rows): C[i, j] (+)= A_i·B_j
   * for i < m, j in [n0, n1), where row A_i starts at a + i·lda and row B_j at b + j·ldb (both
   * contiguous): one pass over B, nothing packed. Null: the portable loop in gemm.cc.
   */
  void (*rowsNT)(int m, int n0, int n1, int k, const float* a, long lda, const float* b, long ldb, float* c, long ldc,
                 bool accumulate) = nullptr;
  /**
   * The FMA-throughput probe: `iters` rounds of kPeakChains independent vector FMAs (enough in
   * flight to cover the latency of two FMA pipes), in registers; returns a value the caller keeps
   * so the loop is not optimised away. Null where there is no vector FMA (the portable family).
   */
  float (*fmaLoop)(long iters) = nullptr;
  /** Floating-point operations of one fmaLoop round (2 per lane per FMA). */
  int fmaLoopFlops = 0;
};

/** Independent FMA chains of the peak probe: latency 4–5 cycles × 2 pipes, with margin. */
constexpr int kPeakChains = 12;

const GemmKernel& gemmKernelGeneric();
#if defined(__x86_64__) || defined(_M_X64)
const GemmKernel& gemmKernelAvx2();
const GemmKernel& gemmKernelAvx512();
/** GemmKernel::rowsNT with AVX2 + FMA (the AVX-512 table uses it too). */
void rowsNTAvx2(int m, int n0, int n1, int k, const float* a, long lda, const float* b, long ldb, float* c, long ldc,
                bool accumulate);
#endif
#if defined(__aarch64__) || defined(_M_ARM64)
const GemmKernel& gemmKernelNeon();
#endif

}  // namespace glimpse

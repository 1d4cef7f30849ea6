// AVX2+FMA micro-kernel: a 6×16 tile of C in 12 ymm accumulators (the classic Haswell shape:
// 12 accumulators + 2 B rows + 1 broadcast = 15 of 16 registers). Compiled with -mavx2 -mfma.
#include <immintrin.h>

#include "../ukernel.h"

namespace glimpse {
namespace {
namespace avx2 {

constexpr int MR = 6;
constexpr int NR = 16;

#include "../pack.h"

inline __m256i tailMask(int n) {
  // lanes [0, n) set, for n in 0..8
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), lane);
}

template <int M>
void tile(int kc, const float* a, const float* b, float* c, long ldc, int nr, bool accumulate) {
  __m256 c0[M], c1[M];
#pragma GCC unroll 6
  for (int i = 0; i < M; i++) {
    c0[i] = _mm256_setzero_ps();
    c1[i] = _mm256_setzero_ps();
  }
  for (int p = 0; p < kc; p++) {
    const __m256 b0 = _mm256_load_ps(b);
    const __m256 b1 = _mm256_load_ps(b + 8);
    _mm_prefetch(reinterpret_cast<const char*>(b + 8 * NR), _MM_HINT_T0);
#pragma GCC unroll 6
    for (int i = 0; i < M; i++) {
      const __m256 ai = _mm256_broadcast_ss(a + i);
      c0[i] = _mm256_fmadd_ps(ai, b0, c0[i]);
      c1[i] = _mm256_fmadd_ps(ai, b1, c1[i]);
    }
    a += MR;
    b += NR;
  }
  if (nr == NR) {
#pragma GCC unroll 6
    for (int i = 0; i < M; i++) {
      float* ci = c + i * ldc;
      if (accumulate) {
        c0[i] = _mm256_add_ps(c0[i], _mm256_loadu_ps(ci));
        c1[i] = _mm256_add_ps(c1[i], _mm256_loadu_ps(ci + 8));
      }
      _mm256_storeu_ps(ci, c0[i]);
      _mm256_storeu_ps(ci + 8, c1[i]);
    }
  } else {
    const __m256i m0 = tailMask(nr >= 8 ? 8 : nr);
    const __m256i m1 = tailMask(nr > 8 ? nr - 8 : 0);
#pragma GCC unroll 6
    for (int i = 0; i < M; i++) {
      float* ci = c + i * ldc;
      if (accumulate) {
        c0[i] = _mm256_add_ps(c0[i], _mm256_maskload_ps(ci, m0));
        c1[i] = _mm256_add_ps(c1[i], _mm256_maskload_ps(ci + 8, m1));
      }
      _mm256_maskstore_ps(ci, m0, c0[i]);
      _mm256_maskstore_ps(ci + 8, m1, c1[i]);
    }
  }
}

void kernel(int kc, const float* a, const float* b, float* c, long ldc, int mr, int nr, bool accumulate) {
  switch (mr) {
    case 6: tile<6>(kc, a, b, c, ldc, nr, accumulate); break;
    case 5: tile<5>(kc, a, b, c, ldc, nr, accumulate); break;
    case 4: tile<4>(kc, a, b, c, ldc, nr, accumulate); break;
    case 3: tile<3>(kc, a, b, c, ldc, nr, accumulate); break;
    case 2: tile<2>(kc, a, b, c, ldc, nr, accumulate); break;
    default: tile<1>(kc, a, b, c, ldc, nr, accumulate); break;
  }
}

inline float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
  return _mm_cvtss_f32(s);
}

/**
 * MI rows of A against one row of B: MI dot products of length k in ymm accumulators, each
 * 8-float slice of the B row loaded once for all MI rows (k's tail by a masked load). k is
 * unrolled U times into separate accumulators so that at least 6–8 FMA chains are in flight (two
 * pipes × the FMA latency); one chain per product would leave the pipes idle.
 */
template <int MI>
inline void dotBlock(int k, const float* a, long lda, const float* b, float* c, long ldc, bool accumulate) {
  constexpr int U = MI >= 3 ? 2 : (MI == 2 ? 4 : 8);
  __m256 acc[U][MI];
  for (int u = 0; u < U; u++)
    for (int r = 0; r < MI; r++) acc[u][r] = _mm256_setzero_ps();
  const int k8 = k & ~7;
  const int kU = k8 - k8 % (8 * U);
  int p = 0;
  for (; p < kU; p += 8 * U) {
    for (int u = 0; u < U; u++) {
      const __m256 bv = _mm256_loadu_ps(b + p + 8 * u);
      for (int r = 0; r < MI; r++) acc[u][r] = _mm256_fmadd_ps(_mm256_loadu_ps(a + r * lda + p + 8 * u), bv, acc[u][r]);
    }
  }
  for (; p < k8; p += 8) {
    const __m256 bv = _mm256_loadu_ps(b + p);
    for (int r = 0; r < MI; r++) acc[0][r] = _mm256_fmadd_ps(_mm256_loadu_ps(a + r * lda + p), bv, acc[0][r]);
  }
  if (k8 < k) {
    const __m256i mask = tailMask(k - k8);
    const __m256 bv = _mm256_maskload_ps(b + k8, mask);
    for (int r = 0; r < MI; r++) acc[0][r] = _mm256_fmadd_ps(_mm256_maskload_ps(a + r * lda + k8, mask), bv, acc[0][r]);
  }
  for (int r = 0; r < MI; r++) {
    __m256 v = acc[0][r];
    for (int u = 1; u < U; u++) v = _mm256_add_ps(v, acc[u][r]);
    const float t = hsum(v);
    float* cr = c + r * ldc;
    *cr = accumulate ? *cr + t : t;
  }
}

inline void dotRows(int mi, int k, const float* a, long lda, const float* b, float* c, long ldc, bool accumulate) {
  switch (mi) {
    case 1: dotBlock<1>(k, a, lda, b, c, ldc, accumulate); break;
    case 2: dotBlock<2>(k, a, lda, b, c, ldc, accumulate); break;
    case 3: dotBlock<3>(k, a, lda, b, c, ldc, accumulate); break;
    default: dotBlock<4>(k, a, lda, b, c, ldc, accumulate); break;
  }
}

float fmaLoop(long iters) {
  __m256 acc[kPeakChains];
  for (int i = 0; i < kPeakChains; i++) acc[i] = _mm256_set1_ps(0.001f * static_cast<float>(i));
  const __m256 x = _mm256_set1_ps(0.999f);
  const __m256 y = _mm256_set1_ps(0.001f);
  for (long it = 0; it < iters; it++) {
    for (int i = 0; i < kPeakChains; i++) acc[i] = _mm256_fmadd_ps(acc[i], x, y);
  }
  __m256 s = acc[0];
  for (int i = 1; i < kPeakChains; i++) s = _mm256_add_ps(s, acc[i]);
  return hsum(s);
}

}  // namespace avx2
}  // namespace

void rowsNTAvx2(int m, int n0, int n1, int k, const float* a, long lda, const float* b, long ldb, float* c, long ldc,
                bool accumulate) {
  // One B row at a time (a single sequential stream through B, the measured fastest), against the
  // rows of A in blocks of four; the B row stays in L1 for the blocks after the first.
  for (int j = n0; j < n1; j++) {
    for (int i = 0; i < m; i += 4) {
      avx2::dotRows(m - i < 4 ? m - i : 4, k, a + i * lda, lda, b + j * ldb, c + i * ldc + j, ldc, accumulate);
    }
  }
}

const GemmKernel& gemmKernelAvx2() {
  static const GemmKernel k{avx2::MR, avx2::NR, avx2::kernel, avx2::packA, avx2::packB, rowsNTAvx2, avx2::fmaLoop,
                            kPeakChains * 8 * 2};
  return k;
}

}  // namespace glimpse

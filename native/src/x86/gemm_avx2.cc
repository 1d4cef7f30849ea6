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

}  // namespace avx2
}  // namespace

const GemmKernel& gemmKernelAvx2() {
  static const GemmKernel k{avx2::MR, avx2::NR, avx2::kernel, avx2::packA, avx2::packB};
  return k;
}

}  // namespace glimpse

// AVX-512F micro-kernel: a 12×32 tile of C in 24 zmm accumulators; per k one 32-float row of the
// B panel (two loads) and 12 broadcasts of A (folded into the FMAs). Compiled with -mavx512f;
// used only when CPUID and XCR0 say the CPU and the OS support it.
#include <immintrin.h>

#include "../ukernel.h"

namespace glimpse {
namespace {
namespace avx512 {

constexpr int MR = 12;
constexpr int NR = 32;

#include "../pack.h"

template <int M>
void tile(int kc, const float* a, const float* b, float* c, long ldc, int nr, bool accumulate) {
  __m512 c0[M], c1[M];
#pragma GCC unroll 12
  for (int i = 0; i < M; i++) {
    c0[i] = _mm512_setzero_ps();
    c1[i] = _mm512_setzero_ps();
  }
  for (int p = 0; p < kc; p++) {
    const __m512 b0 = _mm512_load_ps(b);
    const __m512 b1 = _mm512_load_ps(b + 16);
    _mm_prefetch(reinterpret_cast<const char*>(b + 8 * NR), _MM_HINT_T0);
#pragma GCC unroll 12
    for (int i = 0; i < M; i++) {
      const __m512 ai = _mm512_set1_ps(a[i]);
      c0[i] = _mm512_fmadd_ps(ai, b0, c0[i]);
      c1[i] = _mm512_fmadd_ps(ai, b1, c1[i]);
    }
    a += MR;
    b += NR;
  }
  const __mmask16 m0 = nr >= 16 ? static_cast<__mmask16>(0xffff) : static_cast<__mmask16>((1u << nr) - 1);
  const __mmask16 m1 = nr >= 32 ? static_cast<__mmask16>(0xffff)
                       : nr > 16 ? static_cast<__mmask16>((1u << (nr - 16)) - 1)
                                 : static_cast<__mmask16>(0);
  if (nr == NR) {
#pragma GCC unroll 12
    for (int i = 0; i < M; i++) {
      float* ci = c + i * ldc;
      if (accumulate) {
        c0[i] = _mm512_add_ps(c0[i], _mm512_loadu_ps(ci));
        c1[i] = _mm512_add_ps(c1[i], _mm512_loadu_ps(ci + 16));
      }
      _mm512_storeu_ps(ci, c0[i]);
      _mm512_storeu_ps(ci + 16, c1[i]);
    }
  } else {
#pragma GCC unroll 12
    for (int i = 0; i < M; i++) {
      float* ci = c + i * ldc;
      if (accumulate) {
        c0[i] = _mm512_add_ps(c0[i], _mm512_maskz_loadu_ps(m0, ci));
        c1[i] = _mm512_add_ps(c1[i], _mm512_maskz_loadu_ps(m1, ci + 16));
      }
      _mm512_mask_storeu_ps(ci, m0, c0[i]);
      _mm512_mask_storeu_ps(ci + 16, m1, c1[i]);
    }
  }
}

void kernel(int kc, const float* a, const float* b, float* c, long ldc, int mr, int nr, bool accumulate) {
  switch (mr) {
    case 12: tile<12>(kc, a, b, c, ldc, nr, accumulate); break;
    case 11: tile<11>(kc, a, b, c, ldc, nr, accumulate); break;
    case 10: tile<10>(kc, a, b, c, ldc, nr, accumulate); break;
    case 9: tile<9>(kc, a, b, c, ldc, nr, accumulate); break;
    case 8: tile<8>(kc, a, b, c, ldc, nr, accumulate); break;
    case 7: tile<7>(kc, a, b, c, ldc, nr, accumulate); break;
    case 6: tile<6>(kc, a, b, c, ldc, nr, accumulate); break;
    case 5: tile<5>(kc, a, b, c, ldc, nr, accumulate); break;
    case 4: tile<4>(kc, a, b, c, ldc, nr, accumulate); break;
    case 3: tile<3>(kc, a, b, c, ldc, nr, accumulate); break;
    case 2: tile<2>(kc, a, b, c, ldc, nr, accumulate); break;
    default: tile<1>(kc, a, b, c, ldc, nr, accumulate); break;
  }
}

float fmaLoop(long iters) {
  __m512 acc[kPeakChains];
  for (int i = 0; i < kPeakChains; i++) acc[i] = _mm512_set1_ps(0.001f * static_cast<float>(i));
  const __m512 x = _mm512_set1_ps(0.999f);
  const __m512 y = _mm512_set1_ps(0.001f);
  for (long it = 0; it < iters; it++) {
    for (int i = 0; i < kPeakChains; i++) acc[i] = _mm512_fmadd_ps(acc[i], x, y);
  }
  __m512 s = acc[0];
  for (int i = 1; i < kPeakChains; i++) s = _mm512_add_ps(s, acc[i]);
  return _mm512_reduce_add_ps(s);
}

}  // namespace avx512
}  // namespace

const GemmKernel& gemmKernelAvx512() {
  // Few-row products are bound by reading B once; 256-bit vectors do that as well as 512-bit ones.
  static const GemmKernel k{avx512::MR, avx512::NR, avx512::kernel, avx512::packA, avx512::packB, rowsNTAvx2,
                            avx512::fmaLoop, kPeakChains * 16 * 2};
  return k;
}

}  // namespace glimpse

// NEON micro-kernel for arm64: an 8×8 tile in 16 q-register accumulators (of 32).
#include <arm_neon.h>

#include "../ukernel.h"

namespace glimpse {
namespace {
namespace neon {

constexpr int MR = 8;
constexpr int NR = 8;

#include "../pack.h"

template <int M>
void tile(int kc, const float* a, const float* b, float* c, long ldc, int nr, bool accumulate) {
  float32x4_t c0[M], c1[M];
  for (int i = 0; i < M; i++) {
    c0[i] = vdupq_n_f32(0.f);
    c1[i] = vdupq_n_f32(0.f);
  }
  for (int p = 0; p < kc; p++) {
    const float32x4_t b0 = vld1q_f32(b);
    const float32x4_t b1 = vld1q_f32(b + 4);
    for (int i = 0; i < M; i++) {
      c0[i] = vfmaq_n_f32(c0[i], b0, a[i]);
      c1[i] = vfmaq_n_f32(c1[i], b1, a[i]);
    }
    a += MR;
    b += NR;
  }
  for (int i = 0; i < M; i++) {
    float* ci = c + i * ldc;
    if (nr == NR) {
      if (accumulate) {
        c0[i] = vaddq_f32(c0[i], vld1q_f32(ci));
        c1[i] = vaddq_f32(c1[i], vld1q_f32(ci + 4));
      }
      vst1q_f32(ci, c0[i]);
      vst1q_f32(ci + 4, c1[i]);
    } else {
      float tmp[NR];
      vst1q_f32(tmp, c0[i]);
      vst1q_f32(tmp + 4, c1[i]);
      for (int j = 0; j < nr; j++) ci[j] = accumulate ? ci[j] + tmp[j] : tmp[j];
    }
  }
}

void kernel(int kc, const float* a, const float* b, float* c, long ldc, int mr, int nr, bool accumulate) {
  switch (mr) {
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
  float32x4_t acc[kPeakChains];
  for (int i = 0; i < kPeakChains; i++) acc[i] = vdupq_n_f32(0.001f * static_cast<float>(i));
  const float32x4_t x = vdupq_n_f32(0.999f);
  const float32x4_t y = vdupq_n_f32(0.001f);
  for (long it = 0; it < iters; it++) {
    for (int i = 0; i < kPeakChains; i++) acc[i] = vfmaq_f32(y, acc[i], x);
  }
  float32x4_t s = acc[0];
  for (int i = 1; i < kPeakChains; i++) s = vaddq_f32(s, acc[i]);
  return vaddvq_f32(s);
}

}  // namespace neon
}  // namespace

const GemmKernel& gemmKernelNeon() {
  static const GemmKernel k{neon::MR, neon::NR, neon::kernel, neon::packA, neon::packB, nullptr, neon::fmaLoop,
                            kPeakChains * 4 * 2};
  return k;
}

}  // namespace glimpse

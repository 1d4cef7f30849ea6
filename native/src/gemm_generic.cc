// Portable micro-kernel (any CPU; SSE2 on x86-64 via auto-vectorisation): a 4×8 tile held in a
// local array the compiler keeps in registers.
#include "ukernel.h"

namespace glimpse {
namespace {
namespace generic {

constexpr int MR = 4;
constexpr int NR = 8;

#include "pack.h"

template <int M>
void tile(int kc, const float* a, const float* b, float* c, long ldc, int nr, bool accumulate) {
  float acc[M][NR] = {};
  for (int p = 0; p < kc; p++) {
    for (int i = 0; i < M; i++) {
      const float ai = a[i];
      for (int j = 0; j < NR; j++) acc[i][j] += ai * b[j];
    }
    a += MR;
    b += NR;
  }
  for (int i = 0; i < M; i++) {
    float* ci = c + i * ldc;
    if (accumulate) {
      for (int j = 0; j < nr; j++) ci[j] += acc[i][j];
    } else {
      for (int j = 0; j < nr; j++) ci[j] = acc[i][j];
    }
  }
}

void kernel(int kc, const float* a, const float* b, float* c, long ldc, int mr, int nr, bool accumulate) {
  switch (mr) {
    case 4: tile<4>(kc, a, b, c, ldc, nr, accumulate); break;
    case 3: tile<3>(kc, a, b, c, ldc, nr, accumulate); break;
    case 2: tile<2>(kc, a, b, c, ldc, nr, accumulate); break;
    default: tile<1>(kc, a, b, c, ldc, nr, accumulate); break;
  }
}

}  // namespace generic
}  // namespace

const GemmKernel& gemmKernelGeneric() {
  static const GemmKernel k{generic::MR, generic::NR, generic::kernel, generic::packA, generic::packB};
  return k;
}

}  // namespace glimpse

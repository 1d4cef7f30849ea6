#include <limits>
#include <cmath>

#include "kernels.h"
#include "pool.h"
#include "vec.h"

namespace glimpse {

constexpr float kInf = std::numeric_limits<float>::infinity();
namespace {


// Rows are independent: large problems (an LM's logits) split over the pool.
constexpr long kParallelElems = 1L << 18;

template <class F>
void rowsParallel(long rows, long n, const F& body) {
  const int T = threadCount();
  if (T <= 1 || rows < 2 || rows * n < kParallelElems) {
    body(0, rows);
    return;
  }
  const int parts = rows < T ? static_cast<int>(rows) : T;
  parallelFor(parts, [&](int t) {
    const long lo = rows * t / parts, hi = rows * (t + 1) / parts;
    body(lo, hi);
  });
}

}  // namespace

void softmax(const float* x, long rows, long n, float* out, bool log) {
  const VecMath& vm = vecMath();
  rowsParallel(rows, n, [&](long r0, long r1) {
    for (long r = r0; r < r1; r++) {
      const float* xr = x + r * n;
      float* o = out + r * n;
      const float max = vm.max(xr, n);
      if (max == -kInf) {
        // Fully masked row: weights 0 (log-weights −∞), never NaN.
        for (long j = 0; j < n; j++) o[j] = log ? -kInf : 0.f;
        continue;
      }
      if (log) {
        const double lse = max + std::log(vm.expShiftSum(xr, nullptr, n, max));
        for (long j = 0; j < n; j++) o[j] = static_cast<float>(xr[j] - lse);
      } else {
        const float inv = static_cast<float>(1.0 / vm.expShiftSum(xr, o, n, max));
        for (long j = 0; j < n; j++) o[j] *= inv;
      }
    }
  });
}

void softmaxBackward(const float* y, const float* gy, long rows, long n, float* gx, bool log) {
  const VecMath& vm = vecMath();
  rowsParallel(rows, n, [&](long r0, long r1) {
    for (long r = r0; r < r1; r++) {
      const float* yr = y + r * n;
      const float* g = gy + r * n;
      float* o = gx + r * n;
      double s = 0;
      if (log) {
        // y = x − lse: gx = gy − softmax·Σ gy
        for (long j = 0; j < n; j++) s += g[j];
        vm.exp(yr, o, n);
        const float sf = static_cast<float>(s);
        for (long j = 0; j < n; j++) o[j] = yr[j] == -kInf ? 0.f : g[j] - o[j] * sf;
      } else {
        // gx = y ⊙ (gy − Σ gy ⊙ y)
        for (long j = 0; j < n; j++) s += static_cast<double>(g[j]) * yr[j];
        const float sf = static_cast<float>(s);
        for (long j = 0; j < n; j++) o[j] = yr[j] * (g[j] - sf);
      }
    }
  });
}

void crossEntropy(const float* logits, const int32_t* target, long rows, long n, int ignoreIndex, double smoothing,
                  float* loss, float* lse) {
  const VecMath& vm = vecMath();
  rowsParallel(rows, n, [&](long r0, long r1) {
    for (long r = r0; r < r1; r++) {
      const float* x = logits + r * n;
      const float max = vm.max(x, n);
      const double l = max + std::log(vm.expShiftSum(x, nullptr, n, max));
      lse[r] = static_cast<float>(l);
      const int t = target[r];
      if (t == ignoreIndex) {
        loss[r] = 0.f;
        continue;
      }
      const double nll = l - x[t];
      if (smoothing == 0) {
        loss[r] = static_cast<float>(nll);
      } else {
        double total = 0;
        for (long j = 0; j < n; j++) total += x[j];
        // mean_c(−log p_c) = lse − mean_c(x_c)
        loss[r] = static_cast<float>((1 - smoothing) * nll + smoothing * (l - total / n));
      }
    }
  });
}

void crossEntropyBackward(const float* logits, const float* lse, const int32_t* target, long rows, long n,
                          int ignoreIndex, double smoothing, const float* gLoss, float* gLogits) {
  const VecMath& vm = vecMath();
  const float uniform = static_cast<float>(smoothing / n);
  rowsParallel(rows, n, [&](long r0, long r1) {
    for (long r = r0; r < r1; r++) {
      float* o = gLogits + r * n;
      const int t = target[r];
      if (t == ignoreIndex) {
        for (long j = 0; j < n; j++) o[j] = 0.f;
        continue;
      }
      const float g = gLoss[r];
      // ∂/∂x_j = p_j − (1−ε)·[j = t] − ε/n, with p_j = exp(x_j − lse)
      vm.expShiftSum(logits + r * n, o, n, lse[r]);
      for (long j = 0; j < n; j++) o[j] = g * (o[j] - uniform);
      o[t] -= static_cast<float>(g * (1 - smoothing));
    }
  });
}

}  // namespace glimpse

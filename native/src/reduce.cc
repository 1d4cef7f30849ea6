#include <limits>
#include <cstring>
#include <vector>

#include "kernels.h"

namespace glimpse {

constexpr float kInf = std::numeric_limits<float>::infinity();

void sumAxis(const float* x, long outer, long n, long inner, float* out, bool accumulate) {
  // Sums in float64, as the reference does, so long sums stay accurate.
  if (inner == 1) {
    for (long o = 0; o < outer; o++) {
      const float* r = x + o * n;
      double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      long j = 0;
      for (; j + 4 <= n; j += 4) {
        s0 += r[j];
        s1 += r[j + 1];
        s2 += r[j + 2];
        s3 += r[j + 3];
      }
      for (; j < n; j++) s0 += r[j];
      const double s = (s0 + s1) + (s2 + s3);
      out[o] = static_cast<float>(accumulate ? out[o] + s : s);
    }
    return;
  }
  thread_local std::vector<double> acc;
  if (static_cast<long>(acc.size()) < inner) acc.resize(static_cast<size_t>(inner));
  for (long o = 0; o < outer; o++) {
    std::memset(acc.data(), 0, sizeof(double) * static_cast<size_t>(inner));
    double* a = acc.data();
    for (long j = 0; j < n; j++) {
      const float* r = x + (o * n + j) * inner;
      for (long i = 0; i < inner; i++) a[i] += r[i];
    }
    float* ob = out + o * inner;
    for (long i = 0; i < inner; i++) ob[i] = static_cast<float>(accumulate ? ob[i] + a[i] : a[i]);
  }
}

void maxAxis(const float* x, long outer, long n, long inner, float* out, int32_t* arg) {
  for (long o = 0; o < outer; o++) {
    for (long i = 0; i < inner; i++) {
      float best = -kInf;
      int32_t bj = 0;
      const float* p = x + o * n * inner + i;
      for (long j = 0; j < n; j++) {
        const float v = p[j * inner];
        // The first NaN wins and sticks (as the reference).
        if (v > best || (v != v && best == best)) {
          best = v;
          bj = static_cast<int32_t>(j);
        }
      }
      out[o * inner + i] = best;
      if (arg) arg[o * inner + i] = bj;
    }
  }
}

}  // namespace glimpse

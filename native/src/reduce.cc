#include <limits>
#include <cstring>
#include <algorithm>
#include <vector>

#include "kernels.h"
#include "pool.h"

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
  // Columns are independent: split them over the pool when there is enough work. Each task sums
  // blocks of rows in float (vectorised) and adds the block sums into float64.
  const int T = threadCount();
  const int parts = T > 1 && outer * n * inner >= (1L << 18) && inner >= 64 ? T : 1;
  auto columns = [&](long i0, long i1) {
    const long w = i1 - i0;
    std::vector<double> acc(static_cast<size_t>(w));
    std::vector<float> part(static_cast<size_t>(w));
    for (long o = 0; o < outer; o++) {
      std::fill(acc.begin(), acc.end(), 0.0);
      for (long j0 = 0; j0 < n; j0 += 32) {
        const long j1 = j0 + 32 < n ? j0 + 32 : n;
        std::fill(part.begin(), part.end(), 0.f);
        float* pp = part.data();
        for (long j = j0; j < j1; j++) {
          const float* r = x + (o * n + j) * inner + i0;
          for (long i = 0; i < w; i++) pp[i] += r[i];
        }
        for (long i = 0; i < w; i++) acc[i] += pp[i];
      }
      float* ob = out + o * inner + i0;
      for (long i = 0; i < w; i++) ob[i] = static_cast<float>(accumulate ? ob[i] + acc[i] : acc[i]);
    }
  };
  if (parts == 1) {
    columns(0, inner);
    return;
  }
  parallelFor(parts, [&](int t) {
    const long lo = inner * t / parts, hi = inner * (t + 1) / parts;
    if (lo < hi) columns(lo, hi);
  });
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

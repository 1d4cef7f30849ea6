// Layer normalisation and the fused Adam/AdamW step.
#include <cmath>

#include "kernels.h"
#include "pool.h"

namespace glimpse {

void layerNorm(const float* x, const float* gamma, const float* beta, long rows, long n, double eps, float* y,
               float* mean, float* rstd) {
  for (long r = 0; r < rows; r++) {
    const float* xr = x + r * n;
    double s = 0;
    for (long j = 0; j < n; j++) s += xr[j];
    const double mu = s / n;
    double v = 0;
    for (long j = 0; j < n; j++) {
      const double d = xr[j] - mu;
      v += d * d;
    }
    const double rs = 1 / std::sqrt(v / n + eps);
    mean[r] = static_cast<float>(mu);
    rstd[r] = static_cast<float>(rs);
    float* yr = y + r * n;
    for (long j = 0; j < n; j++) {
      double o = (xr[j] - mu) * rs;
      if (gamma) o *= gamma[j];
      if (beta) o += beta[j];
      yr[j] = static_cast<float>(o);
    }
  }
}

void layerNormBackward(const float* x, const float* gamma, const float* mean, const float* rstd, const float* gy,
                       long rows, long n, float* gx, float* gGamma, float* gBeta) {
  for (long r = 0; r < rows; r++) {
    const float* xr = x + r * n;
    const float* g = gy + r * n;
    const double mu = mean[r];
    const double rs = rstd[r];
    // x̂ = (x − μ)·rstd;  g′ = gy·γ;  gx = rstd·(g′ − mean(g′) − x̂·mean(g′·x̂))
    double sg = 0, sgx = 0;
    for (long j = 0; j < n; j++) {
      const double xh = (xr[j] - mu) * rs;
      const double gj = static_cast<double>(g[j]) * (gamma ? gamma[j] : 1.f);
      sg += gj;
      sgx += gj * xh;
      if (gGamma) gGamma[j] = static_cast<float>(gGamma[j] + g[j] * xh);
      if (gBeta) gBeta[j] += g[j];
    }
    if (!gx) continue;
    const double mg = sg / n;
    const double mgx = sgx / n;
    float* o = gx + r * n;
    for (long j = 0; j < n; j++) {
      const double xh = (xr[j] - mu) * rs;
      const double gj = static_cast<double>(g[j]) * (gamma ? gamma[j] : 1.f);
      o[j] = static_cast<float>(rs * (gj - mg - xh * mgx));
    }
  }
}

void adam(float* param, const float* grad, float* m, float* v, long n, const AdamArgs& a) {
  // PyTorch's order of operations, in float32 like torch.optim.Adam on float32 parameters.
  const float b1 = static_cast<float>(a.beta1), c1 = static_cast<float>(1 - a.beta1);
  const float b2 = static_cast<float>(a.beta2), c2 = static_cast<float>(1 - a.beta2);
  const float eps = static_cast<float>(a.eps);
  const float step = static_cast<float>(a.stepSize);
  const float invBc2 = static_cast<float>(1 / a.bc2Sqrt);
  const float wd = static_cast<float>(a.weightDecay);
  const float decay = static_cast<float>(a.decayFactor);
  const bool decoupled = a.decayFactor != 1;
  const bool l2 = a.weightDecay != 0;
  parallelChunks(n, [&](long lo, long hi) {
    for (long i = lo; i < hi; i++) {
      float w = param[i];
      if (decoupled) w *= decay;
      const float g = l2 ? grad[i] + wd * w : grad[i];
      const float mi = b1 * m[i] + c1 * g;
      const float vi = b2 * v[i] + c2 * g * g;
      m[i] = mi;
      v[i] = vi;
      param[i] = w - (step * mi) / (std::sqrt(vi) * invBc2 + eps);
    }
  });
}

}  // namespace glimpse

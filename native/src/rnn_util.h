// Helpers shared by the fused LSTM and GRU layers (rnn.cc, gru.cc).
#pragma once

#include <vector>

#include "gemm.h"
#include "kernels.h"
#include "pool.h"

namespace glimpse::rnn {

inline bool active(const int32_t* lengths, int b, int t) { return lengths == nullptr || t < lengths[b]; }

/** Time index of processing step s. */
inline int timeOf(const RnnDims& p, int s) { return p.reverse ? p.T - 1 - s : s; }

/** The state before processing step s: `init` at s = 0, else the state saved after step s − 1. */
inline const float* prevState(const RnnDims& p, int s, const float* init, const float* seq) {
  if (s == 0) return init;
  return seq + static_cast<long>(timeOf(p, s - 1)) * p.B * p.H;
}

/** A float buffer that only grows (to the largest problem seen), so long runs allocate nothing. */
inline float* scratch(std::vector<float>& v, size_t n) {
  if (v.size() < n) v.resize(n);
  return v.data();
}

/**
 * Splits the batch rows over the pool: rows never interact inside a recurrence, so each task
 * runs every time step for its own rows with no synchronisation between steps.
 */
template <class F>
void overRows(int B, double flopsPerRow, const F& body) {
  const int T = threadCount();
  int parts = 1;
  if (T > 1 && B >= 8 && flopsPerRow * B >= 2e6) parts = B / 4 < T ? B / 4 : T;  // (as kParallelFlops)
  if (parts <= 1) {
    body(0, B);
    return;
  }
  parallelFor(parts, [&](int t) { body(B * t / parts, B * (t + 1) / parts); });
}

/** rows × n: out[r, :] = bias1 + bias2 (either may be null); returns whether any was added. */
inline bool fillBias(float* out, long rows, int n, const float* b1, const float* b2) {
  if (!b1 && !b2) return false;
  for (long r = 0; r < rows; r++) {
    float* o = out + r * n;
    for (int j = 0; j < n; j++) o[j] = (b1 ? b1[j] : 0.f) + (b2 ? b2[j] : 0.f);
  }
  return true;
}

/** g[j] += Σ_r d[r, j] over `rows` rows of width n (float64 partial sums). */
inline void addColumnSums(const float* d, long rows, int n, float* g) {
  std::vector<double> acc(static_cast<size_t>(n), 0.0);
  std::vector<float> part(static_cast<size_t>(n));
  for (long r0 = 0; r0 < rows; r0 += 64) {
    const long r1 = r0 + 64 < rows ? r0 + 64 : rows;
    for (int j = 0; j < n; j++) part[j] = 0.f;
    for (long r = r0; r < r1; r++) {
      const float* row = d + r * n;
      for (int j = 0; j < n; j++) part[j] += row[j];
    }
    for (int j = 0; j < n; j++) acc[j] += part[j];
  }
  for (int j = 0; j < n; j++) g[j] = static_cast<float>(g[j] + acc[j]);
}

/**
 * gW [G, H] += Σ_t dG[t]ᵀ · hPrev[t] without stacking hPrev: hPrev[t] is h0 at the first
 * processed step and hs at the step processed before it otherwise (two GEMMs).
 */
inline void recurrentWeightGrad(const RnnDims& p, int G, const float* dG, const float* h0, const float* hs, float* gW) {
  const int T = p.T, B = p.B, H = p.H;
  if (T == 0) return;
  const long step = static_cast<long>(B) * G;
  const long hstep = static_cast<long>(B) * H;
  const int first = p.reverse ? T - 1 : 0;
  // dG[first]ᵀ · h0
  gemmView(G, H, B, MatView{dG + first * step, 1, G}, MatView{h0, H, 1}, gW, H, true);
  if (T == 1) return;
  // forward: dG[1:]ᵀ · hs[:-1];  reverse: dG[:-1]ᵀ · hs[1:]
  const float* d = p.reverse ? dG : dG + step;
  const float* h = p.reverse ? hs + hstep : hs;
  gemmView(G, H, (T - 1) * B, MatView{d, 1, G}, MatView{h, H, 1}, gW, H, true);
}

}  // namespace glimpse::rnn

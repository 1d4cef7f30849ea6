// Fused scaled dot-product attention: per (batch·head) problem, S = scale·Q·Kᵀ, mask, softmax
// into the weights, O = P·V; the problems are spread over the pool. With a causal mask the row
// blocks skip the key columns that are masked anyway. A problem with a few queries (a decoder
// step: tq = 1) runs as dot products and axpys over the key rows, without the GEMM's packing.
#include <limits>
#include <cmath>
#include <cstring>
#include <vector>

#include "gemm.h"
#include "kernels.h"
#include "pool.h"
#include "vec.h"

namespace glimpse {

constexpr float kInf = std::numeric_limits<float>::infinity();
namespace {

// Row-block height for causal problems: block [i0, i1) only sees keys j < i1.
constexpr int kCausalBlock = 32;
// Up to this many queries a problem skips the GEMM (packing costs more than the products).
constexpr int kFewQueries = 4;

/** Number of key columns row block [i0, i1) can attend to. */
inline int visibleKeys(const SdpaDims& p, int i1) { return p.causal ? (i1 < p.tk ? i1 : p.tk) : p.tk; }

/**
 * out[tk×n] = Mᵀ·X for M [tq×tk] (weights or dS) and X [tq×n]. With a causal mask M[i, j] = 0
 * for i < j, so key block [j0, j1) only needs query rows i ≥ j0.
 */
void transposedProduct(const SdpaDims& p, int block, const float* m, const float* x, int n, float* out, bool threads) {
  const int tq = p.tq, tk = p.tk;
  if (!p.causal) {
    gemmView(tk, n, tq, MatView{m, 1, tk}, MatView{x, n, 1}, out, n, true, threads);
    return;
  }
  for (int j0 = 0; j0 < tk; j0 += block) {
    const int j1 = j0 + block < tk ? j0 + block : tk;
    const int i0 = j0 < tq ? j0 : tq;
    gemmView(j1 - j0, n, tq - i0, MatView{m + static_cast<long>(i0) * tk + j0, 1, tk},
             MatView{x + static_cast<long>(i0) * n, n, 1}, out + static_cast<long>(j0) * n, n, true, threads);
  }
}

/** Softmax of row[0:limit) in place (already scaled and masked with −∞); row[limit:tk) = 0. */
bool softmaxRow(const VecMath& vm, float* row, int limit, int tk, float max) {
  if (max == -kInf) {
    // Fully masked row: weights 0 and output 0, never NaN.
    std::memset(row, 0, sizeof(float) * tk);
    return false;
  }
  vm.scale(row, limit, static_cast<float>(1.0 / vm.expShiftSum(row, row, limit, max)));
  if (limit < tk) std::memset(row + limit, 0, sizeof(float) * (tk - limit));
  return true;
}

/** Forward of problem z with few queries: each score a dot product, each output a sum of axpys. */
void fewQueriesForward(const SdpaDims& p, int z, const float* q, const float* k, const float* v, const uint8_t* kp,
                       const uint8_t* attnMask, float* out, float* weights) {
  const int tq = p.tq, tk = p.tk, d = p.d, dv = p.dv;
  const VecMath& vm = vecMath();
  for (int i = 0; i < tq; i++) {
    const float* qi = q + (static_cast<long>(z) * tq + i) * d;
    float* row = weights + (static_cast<long>(z) * tq + i) * tk;
    float* oi = out + (static_cast<long>(z) * tq + i) * dv;
    const float* kz = k + static_cast<long>(z) * tk * d;
    const float* vz = v + static_cast<long>(z) * tk * dv;
    const int limit = p.causal ? (i + 1 < tk ? i + 1 : tk) : tk;
    float max = -kInf;
    for (int j = 0; j < limit; j++) {
      const bool masked = (kp && kp[j]) || (attnMask && attnMask[static_cast<long>(i) * tk + j]);
      row[j] = masked ? -kInf : vm.dot(qi, kz + static_cast<long>(j) * d, d) * p.scale;
      max = row[j] > max ? row[j] : max;
    }
    std::memset(oi, 0, sizeof(float) * dv);
    if (!softmaxRow(vm, row, limit, tk, max)) continue;
    for (int j = 0; j < limit; j++) vm.axpy(row[j], vz + static_cast<long>(j) * dv, oi, dv);
  }
}

/** Backward of problem z with few queries, accumulating into gQ, gK, gV. */
void fewQueriesBackward(const SdpaDims& p, int z, const float* q, const float* k, const float* v, const float* weights,
                        const float* gOut, const float* gWeights, float* gQ, float* gK, float* gV) {
  const int tq = p.tq, tk = p.tk, d = p.d, dv = p.dv;
  const VecMath& vm = vecMath();
  thread_local std::vector<float> dsBuf;
  if (dsBuf.size() < static_cast<size_t>(tk)) dsBuf.resize(static_cast<size_t>(tk));
  float* ds = dsBuf.data();
  const long kz = static_cast<long>(z) * tk;
  for (int i = 0; i < tq; i++) {
    const long r = static_cast<long>(z) * tq + i;
    const float* pr = weights + r * tk;
    const float* go = gOut + r * dv;
    // P is 0 past the causal limit: those keys get nothing.
    const int limit = p.causal ? (i + 1 < tk ? i + 1 : tk) : tk;
    // dV_j += P_ij · dO_i
    if (gV)
      for (int j = 0; j < limit; j++) vm.axpy(pr[j], go, gV + (kz + j) * dv, dv);
    if (!gQ && !gK) continue;
    // dP_ij = dO_i·V_j (+ dWeights);  dS = P ⊙ (dP − Σ dP ⊙ P)·scale
    const float* gw = gWeights ? gWeights + r * tk : nullptr;
    double sum = 0;
    for (int j = 0; j < limit; j++) {
      ds[j] = vm.dot(go, v + (kz + j) * dv, dv) + (gw ? gw[j] : 0.f);
      sum += static_cast<double>(ds[j]) * pr[j];
    }
    const float sf = static_cast<float>(sum);
    for (int j = 0; j < limit; j++) ds[j] = pr[j] * (ds[j] - sf) * p.scale;
    // dQ_i += Σ_j dS_ij K_j;  dK_j += dS_ij Q_i
    if (gQ)
      for (int j = 0; j < limit; j++) vm.axpy(ds[j], k + (kz + j) * d, gQ + r * d, d);
    if (gK)
      for (int j = 0; j < limit; j++) vm.axpy(ds[j], q + r * d, gK + (kz + j) * d, d);
  }
}

template <class F>
void overProblems(const SdpaDims& p, const F& body) {
  const double flops = 4.0 * p.tq * p.tk * (p.d + p.dv) * p.bh;
  if (threadCount() > 1 && p.bh > 1 && flops > 2e6) {
    parallelFor(p.bh, [&](int z) { body(z, false); });
  } else {
    for (int z = 0; z < p.bh; z++) body(z, true);
  }
}

}  // namespace

void sdpaForward(const SdpaDims& p, const float* q, const float* k, const float* v, const uint8_t* keyPadding,
                 const uint8_t* attnMask, float* out, float* weights) {
  const int tq = p.tq, tk = p.tk, d = p.d, dv = p.dv;
  const VecMath& vm = vecMath();
  const int block = p.causal ? kCausalBlock : (tq > 0 ? tq : 1);
  overProblems(p, [&](int z, bool threads) {
    const uint8_t* kp = keyPadding ? keyPadding + static_cast<long>(z / p.heads) * tk : nullptr;
    if (tq <= kFewQueries) {
      fewQueriesForward(p, z, q, k, v, kp, attnMask, out, weights);
      return;
    }
    const float* qz = q + static_cast<long>(z) * tq * d;
    const float* kz = k + static_cast<long>(z) * tk * d;
    const float* vz = v + static_cast<long>(z) * tk * dv;
    float* wz = weights + static_cast<long>(z) * tq * tk;
    float* oz = out + static_cast<long>(z) * tq * dv;
    for (int i0 = 0; i0 < tq; i0 += block) {
      const int i1 = i0 + block < tq ? i0 + block : tq;
      const int nk = visibleKeys(p, i1);
      float* s = wz + static_cast<long>(i0) * tk;
      gemmView(i1 - i0, nk, d, MatView{qz + static_cast<long>(i0) * d, d, 1}, MatView{kz, 1, d}, s, tk, false, threads);
      for (int i = i0; i < i1; i++) {
        float* row = wz + static_cast<long>(i) * tk;
        // Keys [limit, tk) are masked by causality; they get weight 0.
        const int limit = p.causal ? (i + 1 < nk ? i + 1 : nk) : nk;
        float max;
        if (!kp && !attnMask) {
          max = limit > 0 ? vm.scaleMax(row, limit, p.scale) : -kInf;
        } else {
          max = -kInf;
          for (int j = 0; j < limit; j++) {
            const bool masked = (kp && kp[j]) || (attnMask && attnMask[static_cast<long>(i) * tk + j]);
            row[j] = masked ? -kInf : row[j] * p.scale;
            max = row[j] > max ? row[j] : max;
          }
        }
        softmaxRow(vm, row, limit, tk, max);
      }
      gemmView(i1 - i0, dv, nk, MatView{s, tk, 1}, MatView{vz, dv, 1}, oz + static_cast<long>(i0) * dv, dv, false,
               threads);
    }
  });
}

void sdpaBackward(const SdpaDims& p, const float* q, const float* k, const float* v, const float* weights,
                  const float* gOut, const float* gWeights, float* gQ, float* gK, float* gV) {
  const int tq = p.tq, tk = p.tk, d = p.d, dv = p.dv;
  const int block = p.causal ? kCausalBlock : (tq > 0 ? tq : 1);
  overProblems(p, [&](int z, bool threads) {
    if (tq <= kFewQueries) {
      fewQueriesBackward(p, z, q, k, v, weights, gOut, gWeights, gQ, gK, gV);
      return;
    }
    const float* qz = q + static_cast<long>(z) * tq * d;
    const float* kz = k + static_cast<long>(z) * tk * d;
    const float* vz = v + static_cast<long>(z) * tk * dv;
    const float* pz = weights + static_cast<long>(z) * tq * tk;
    const float* goz = gOut + static_cast<long>(z) * tq * dv;
    // dV = Pᵀ·dO
    if (gV) transposedProduct(p, block, pz, goz, dv, gV + static_cast<long>(z) * tk * dv, threads);
    if (!gQ && !gK) return;
    thread_local std::vector<float> dsBuf;
    if (dsBuf.size() < static_cast<size_t>(tq) * tk) dsBuf.resize(static_cast<size_t>(tq) * tk);
    float* ds = dsBuf.data();
    // dP = dO·Vᵀ (+ dWeights);  dS = P ⊙ (dP − rowsum(dP ⊙ P))·scale (0 where P is 0)
    for (int i0 = 0; i0 < tq; i0 += block) {
      const int i1 = i0 + block < tq ? i0 + block : tq;
      const int nk = visibleKeys(p, i1);
      float* dsb = ds + static_cast<long>(i0) * tk;
      gemmView(i1 - i0, nk, dv, MatView{goz + static_cast<long>(i0) * dv, dv, 1}, MatView{vz, 1, dv}, dsb, tk, false,
               threads);
      for (int i = i0; i < i1; i++) {
        float* row = ds + static_cast<long>(i) * tk;
        const float* pr = pz + static_cast<long>(i) * tk;
        const float* gw = gWeights ? gWeights + (static_cast<long>(z) * tq + i) * tk : nullptr;
        const int limit = p.causal ? (i + 1 < nk ? i + 1 : nk) : nk;  // P is 0 beyond
        double sum = 0;
        if (gw)
          for (int j = 0; j < limit; j++) row[j] += gw[j];
        for (int j = 0; j < limit; j++) sum += static_cast<double>(row[j]) * pr[j];
        const float sf = static_cast<float>(sum);
        for (int j = 0; j < limit; j++) row[j] = pr[j] * (row[j] - sf) * p.scale;
        if (limit < tk) std::memset(row + limit, 0, sizeof(float) * (tk - limit));
      }
    }
    // dQ = dS·K (row block i only reaches keys < i1);  dK = dSᵀ·Q
    if (gQ) {
      float* gqz = gQ + static_cast<long>(z) * tq * d;
      for (int i0 = 0; i0 < tq; i0 += block) {
        const int i1 = i0 + block < tq ? i0 + block : tq;
        const int nk = visibleKeys(p, i1);
        gemmView(i1 - i0, d, nk, MatView{ds + static_cast<long>(i0) * tk, tk, 1}, MatView{kz, d, 1},
                 gqz + static_cast<long>(i0) * d, d, true, threads);
      }
    }
    if (gK) transposedProduct(p, block, ds, qz, d, gK + static_cast<long>(z) * tk * d, threads);
  });
}

}  // namespace glimpse

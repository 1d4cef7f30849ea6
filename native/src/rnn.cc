// Fused LSTM layer (gate order i, f, g, o), cuDNN style: the input projection of every step is
// one GEMM, each step adds h_{t-1}·W_hhᵀ with W_hh packed once, the weight gradients are one GEMM
// over all steps. The batch rows are split over the pool for the whole recurrence.
#include <cstring>

#include "rnn_util.h"
#include "vec.h"

namespace glimpse {

using rnn::active;
using rnn::prevState;
using rnn::timeOf;

void lstmForward(const RnnDims& p, const float* x, const float* wIh, const float* wHh, const float* bIh,
                 const float* bHh, const float* h0, const float* c0, const int32_t* lengths, float* out, float* hN,
                 float* cN, float* gates, float* cs, float* hs) {
  const int T = p.T, B = p.B, I = p.I, H = p.H, G = 4 * H;
  const long rows = static_cast<long>(T) * B;
  // gates = (b_ih + b_hh) + x·W_ihᵀ for all T·B rows at once
  const bool bias = rnn::fillBias(gates, rows, G, bIh, bHh);
  gemmView(static_cast<int>(rows), G, I, MatView{x, I, 1}, MatView{wIh, 1, I}, gates, G, bias);
  // (thread_local storage, bound to a reference: pool tasks must see this thread's object)
  thread_local PackedB wTStore;
  PackedB& wT = wTStore;
  // One step (a decoder, token by token): packing W_hh would cost as much as the product itself,
  // so h_0·W_hhᵀ is one plain GEMM over all rows (few rows: one pass over W_hh).
  const bool once = T == 1;
  if (once) gemmView(B, G, H, MatView{h0, H, 1}, MatView{wHh, 1, H}, gates, G, true);
  else wT.pack(H, G, MatView{wHh, 1, H});  // W_hhᵀ as [H, 4H]
  const VecMath& vm = vecMath();
  rnn::overRows(B, 2.0 * G * H * T, [&](int b0, int b1) {
    thread_local std::vector<float> tmpBuf;
    float* tc = rnn::scratch(tmpBuf, static_cast<size_t>(H));
    const int nb = b1 - b0;
    for (int s = 0; s < T; s++) {
      const int t = timeOf(p, s);
      const float* hp = prevState(p, s, h0, hs);
      const float* cp = prevState(p, s, c0, cs);
      float* gt = gates + static_cast<long>(t) * B * G;
      if (!once) gemmPacked(nb, MatView{hp + b0 * H, H, 1}, wT, gt + static_cast<long>(b0) * G, G, true, false);
      for (int b = b0; b < b1; b++) {
        float* g = gt + static_cast<long>(b) * G;
        const long so = (static_cast<long>(t) * B + b) * H;
        const float* hpb = hp + static_cast<long>(b) * H;
        const float* cpb = cp + static_cast<long>(b) * H;
        if (!active(lengths, b, t)) {
          std::memset(g, 0, sizeof(float) * G);
          std::memcpy(cs + so, cpb, sizeof(float) * H);
          std::memcpy(hs + so, hpb, sizeof(float) * H);
          std::memset(out + so, 0, sizeof(float) * H);
          continue;
        }
        vm.sigmoid(g, g, 2L * H);  // i, f
        vm.tanh(g + 2 * H, g + 2 * H, H);
        vm.sigmoid(g + 3 * H, g + 3 * H, H);
        const float* gi = g;
        const float* gf = g + H;
        const float* gg = g + 2 * H;
        const float* go = g + 3 * H;
        float* c = cs + so;
        for (int j = 0; j < H; j++) c[j] = gf[j] * cpb[j] + gi[j] * gg[j];
        vm.tanh(c, tc, H);
        float* h = hs + so;
        float* o = out + so;
        for (int j = 0; j < H; j++) {
          h[j] = go[j] * tc[j];
          o[j] = h[j];
        }
      }
    }
  });
  const long n = static_cast<long>(B) * H;
  std::memcpy(hN, prevState(p, T, h0, hs), sizeof(float) * n);
  std::memcpy(cN, prevState(p, T, c0, cs), sizeof(float) * n);
}

void lstmBackward(const RnnDims& p, const float* x, const float* wIh, const float* wHh, const float* h0,
                  const float* c0, const int32_t* lengths, const float* gates, const float* cs, const float* hs,
                  const float* gOut, const float* gHN, const float* gCN, float* gX, float* gWIh, float* gWHh,
                  float* gBIh, float* gBHh, float* gH0, float* gC0) {
  const int T = p.T, B = p.B, I = p.I, H = p.H, G = 4 * H;
  const long rows = static_cast<long>(T) * B;
  const long n = static_cast<long>(B) * H;
  thread_local std::vector<float> dGBuf, dhBuf, dcBuf;
  float* dG = rnn::scratch(dGBuf, static_cast<size_t>(rows) * G);
  float* dh = rnn::scratch(dhBuf, static_cast<size_t>(n));
  float* dc = rnn::scratch(dcBuf, static_cast<size_t>(n));
  if (gHN) std::memcpy(dh, gHN, sizeof(float) * n);
  else std::memset(dh, 0, sizeof(float) * n);
  if (gCN) std::memcpy(dc, gCN, sizeof(float) * n);
  else std::memset(dc, 0, sizeof(float) * n);
  thread_local PackedB wStore;
  PackedB& w = wStore;
  w.pack(G, H, MatView{wHh, H, 1});  // W_hh as [4H, H]: dh_{t-1} = dG_t · W_hh
  const VecMath& vm = vecMath();
  rnn::overRows(B, 2.0 * G * H * T, [&](int b0, int b1) {
    thread_local std::vector<float> tmpBuf, dhpBuf;
    float* tc = rnn::scratch(tmpBuf, static_cast<size_t>(H));
    float* dhPrev = rnn::scratch(dhpBuf, static_cast<size_t>(b1 - b0) * H);
    for (int s = T - 1; s >= 0; s--) {
      const int t = timeOf(p, s);
      const float* cp = prevState(p, s, c0, cs);
      const float* gt = gates + static_cast<long>(t) * B * G;
      float* dgt = dG + static_cast<long>(t) * B * G;
      for (int b = b0; b < b1; b++) {
        float* d = dgt + static_cast<long>(b) * G;
        if (!active(lengths, b, t)) {  // dG stays 0; dh, dc pass through
          std::memset(d, 0, sizeof(float) * G);
          continue;
        }
        const float* g = gt + static_cast<long>(b) * G;
        const long so = (static_cast<long>(t) * B + b) * H;
        const float* cpb = cp + static_cast<long>(b) * H;
        const float* go = gOut ? gOut + so : nullptr;
        float* dhb = dh + static_cast<long>(b) * H;
        float* dcb = dc + static_cast<long>(b) * H;
        vm.tanh(cs + so, tc, H);
        for (int j = 0; j < H; j++) {
          const float i = g[j], f = g[H + j], gg = g[2 * H + j], o = g[3 * H + j];
          const float dhj = dhb[j] + (go ? go[j] : 0.f);
          const float dcj = dcb[j] + dhj * o * (1.f - tc[j] * tc[j]);
          d[j] = dcj * gg * i * (1.f - i);
          d[H + j] = dcj * cpb[j] * f * (1.f - f);
          d[2 * H + j] = dcj * i * (1.f - gg * gg);
          d[3 * H + j] = dhj * tc[j] * o * (1.f - o);
          dcb[j] = dcj * f;
        }
      }
      gemmPacked(b1 - b0, MatView{dgt + static_cast<long>(b0) * G, G, 1}, w, dhPrev, H, false, false);
      for (int b = b0; b < b1; b++) {
        if (active(lengths, b, t))
          std::memcpy(dh + static_cast<long>(b) * H, dhPrev + static_cast<long>(b - b0) * H, sizeof(float) * H);
      }
    }
  });
  if (gH0) std::memcpy(gH0, dh, sizeof(float) * n);
  if (gC0) std::memcpy(gC0, dc, sizeof(float) * n);
  if (gX) gemmView(static_cast<int>(rows), I, G, MatView{dG, G, 1}, MatView{wIh, I, 1}, gX, I, false);
  if (gWIh) gemmView(G, I, static_cast<int>(rows), MatView{dG, 1, G}, MatView{x, I, 1}, gWIh, I, true);
  if (gWHh) rnn::recurrentWeightGrad(p, G, dG, h0, hs, gWHh);
  if (gBIh) rnn::addColumnSums(dG, rows, G, gBIh);
  if (gBHh) rnn::addColumnSums(dG, rows, G, gBHh);
}

}  // namespace glimpse

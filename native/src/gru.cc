// Fused GRU layer (gate order r, z, n; n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))), organised
// like the LSTM in rnn.cc. Workspace gates per step: (r, z, n, W_hn·h + b_hn).
#include <cstring>

#include "rnn_util.h"
#include "vec.h"

namespace glimpse {

using rnn::active;
using rnn::prevState;
using rnn::timeOf;

void gruForward(const RnnDims& p, const float* x, const float* wIh, const float* wHh, const float* bIh,
                const float* bHh, const float* h0, const int32_t* lengths, float* out, float* hN, float* gates,
                float* hs) {
  const int T = p.T, B = p.B, I = p.I, H = p.H, G3 = 3 * H, G4 = 4 * H;
  const long rows = static_cast<long>(T) * B;
  thread_local std::vector<float> giBuf;
  float* gi = rnn::scratch(giBuf, static_cast<size_t>(rows) * G3);
  const bool bias = rnn::fillBias(gi, rows, G3, bIh, nullptr);
  gemmView(static_cast<int>(rows), G3, I, MatView{x, I, 1}, MatView{wIh, 1, I}, gi, G3, bias);
  // (thread_local storage, bound to a reference: pool tasks must see this thread's object)
  thread_local PackedB wTStore;
  PackedB& wT = wTStore;
  // One step (a decoder, token by token): packing W_hh would cost as much as the product itself,
  // so b_hh + h_0·W_hhᵀ is one plain GEMM over all rows (few rows: one pass over W_hh).
  const bool once = T == 1;
  thread_local std::vector<float> ghAllBuf;
  float* ghAll = nullptr;
  if (once) {
    ghAll = rnn::scratch(ghAllBuf, static_cast<size_t>(B) * G3);
    const bool hb = rnn::fillBias(ghAll, B, G3, bHh, nullptr);
    gemmView(B, G3, H, MatView{h0, H, 1}, MatView{wHh, 1, H}, ghAll, G3, hb);
  } else {
    wT.pack(H, G3, MatView{wHh, 1, H});  // W_hhᵀ as [H, 3H]
  }
  const VecMath& vm = vecMath();
  rnn::overRows(B, 2.0 * G3 * H * T, [&](int b0, int b1) {
    thread_local std::vector<float> ghBuf, tmpBuf;
    const int nb = b1 - b0;
    float* gh = once ? ghAll + static_cast<long>(b0) * G3 : rnn::scratch(ghBuf, static_cast<size_t>(nb) * G3);
    float* tmp = rnn::scratch(tmpBuf, static_cast<size_t>(2) * H);
    for (int s = 0; s < T; s++) {
      const int t = timeOf(p, s);
      const float* hp = prevState(p, s, h0, hs);
      if (!once) {
        const bool hb = rnn::fillBias(gh, nb, G3, bHh, nullptr);
        gemmPacked(nb, MatView{hp + static_cast<long>(b0) * H, H, 1}, wT, gh, G3, hb, false);
      }
      for (int b = b0; b < b1; b++) {
        const long so = (static_cast<long>(t) * B + b) * H;
        float* w = gates + (static_cast<long>(t) * B + b) * G4;
        const float* hpb = hp + static_cast<long>(b) * H;
        if (!active(lengths, b, t)) {
          std::memset(w, 0, sizeof(float) * G4);
          std::memcpy(hs + so, hpb, sizeof(float) * H);
          std::memset(out + so, 0, sizeof(float) * H);
          continue;
        }
        const float* gib = gi + (static_cast<long>(t) * B + b) * G3;
        const float* ghb = gh + static_cast<long>(b - b0) * G3;
        // r, z = σ(gi + gh) over the first 2H; n = tanh(gi_n + r ⊙ gh_n)
        for (int j = 0; j < 2 * H; j++) w[j] = gib[j] + ghb[j];
        vm.sigmoid(w, w, 2L * H);
        for (int j = 0; j < H; j++) {
          w[3 * H + j] = ghb[2 * H + j];
          tmp[j] = gib[2 * H + j] + w[j] * ghb[2 * H + j];
        }
        vm.tanh(tmp, w + 2 * H, H);
        float* h = hs + so;
        float* o = out + so;
        for (int j = 0; j < H; j++) {
          const float z = w[H + j], nn = w[2 * H + j];
          h[j] = (1.f - z) * nn + z * hpb[j];
          o[j] = h[j];
        }
      }
    }
  });
  std::memcpy(hN, prevState(p, T, h0, hs), sizeof(float) * static_cast<size_t>(B) * H);
}

void gruBackward(const RnnDims& p, const float* x, const float* wIh, const float* wHh, const float* h0,
                 const int32_t* lengths, const float* gates, const float* hs, const float* gOut, const float* gHN,
                 float* gX, float* gWIh, float* gWHh, float* gBIh, float* gBHh, float* gH0) {
  const int T = p.T, B = p.B, I = p.I, H = p.H, G3 = 3 * H, G4 = 4 * H;
  const long rows = static_cast<long>(T) * B;
  const long n = static_cast<long>(B) * H;
  thread_local std::vector<float> dGiBuf, dGhBuf, dhBuf;
  float* dGi = rnn::scratch(dGiBuf, static_cast<size_t>(rows) * G3);
  float* dGh = rnn::scratch(dGhBuf, static_cast<size_t>(rows) * G3);
  float* dh = rnn::scratch(dhBuf, static_cast<size_t>(n));
  if (gHN) std::memcpy(dh, gHN, sizeof(float) * n);
  else std::memset(dh, 0, sizeof(float) * n);
  thread_local PackedB wStore;
  PackedB& wPacked = wStore;
  wPacked.pack(G3, H, MatView{wHh, H, 1});  // W_hh as [3H, H]
  rnn::overRows(B, 2.0 * G3 * H * T, [&](int b0, int b1) {
    thread_local std::vector<float> dhpBuf;
    float* dhPrev = rnn::scratch(dhpBuf, static_cast<size_t>(b1 - b0) * H);
    for (int s = T - 1; s >= 0; s--) {
      const int t = timeOf(p, s);
      const float* hp = prevState(p, s, h0, hs);
      for (int b = b0; b < b1; b++) {
        const long go = (static_cast<long>(t) * B + b) * G3;
        if (!active(lengths, b, t)) {
          std::memset(dGi + go, 0, sizeof(float) * G3);
          std::memset(dGh + go, 0, sizeof(float) * G3);
          continue;
        }
        const long so = (static_cast<long>(t) * B + b) * H;
        const float* w = gates + (static_cast<long>(t) * B + b) * G4;
        const float* hpb = hp + static_cast<long>(b) * H;
        const float* gob = gOut ? gOut + so : nullptr;
        float* dhb = dh + static_cast<long>(b) * H;
        float* di = dGi + go;
        float* dd = dGh + go;
        for (int j = 0; j < H; j++) {
          const float r = w[j], z = w[H + j], nn = w[2 * H + j], hn = w[3 * H + j];
          const float dhj = dhb[j] + (gob ? gob[j] : 0.f);
          const float dn = dhj * (1.f - z) * (1.f - nn * nn);  // through tanh
          const float dz = dhj * (hpb[j] - nn) * z * (1.f - z);
          const float dr = dn * hn * r * (1.f - r);
          di[j] = dr;
          di[H + j] = dz;
          di[2 * H + j] = dn;
          dd[j] = dr;
          dd[H + j] = dz;
          dd[2 * H + j] = dn * r;
          dhb[j] = dhj * z;  // the direct path; the W_hh path is added below
        }
      }
      const float* dght = dGh + (static_cast<long>(t) * B + b0) * G3;
      gemmPacked(b1 - b0, MatView{dght, G3, 1}, wPacked, dhPrev, H, false, false);
      for (int b = b0; b < b1; b++) {
        if (!active(lengths, b, t)) continue;
        float* dhb = dh + static_cast<long>(b) * H;
        const float* add = dhPrev + static_cast<long>(b - b0) * H;
        for (int j = 0; j < H; j++) dhb[j] += add[j];
      }
    }
  });
  if (gH0) std::memcpy(gH0, dh, sizeof(float) * n);
  if (gX) gemmView(static_cast<int>(rows), I, G3, MatView{dGi, G3, 1}, MatView{wIh, I, 1}, gX, I, false);
  if (gWIh) gemmView(G3, I, static_cast<int>(rows), MatView{dGi, 1, G3}, MatView{x, I, 1}, gWIh, I, true);
  if (gWHh) rnn::recurrentWeightGrad(p, G3, dGh, h0, hs, gWHh);
  if (gBIh) rnn::addColumnSums(dGi, rows, G3, gBIh);
  if (gBHh) rnn::addColumnSums(dGh, rows, G3, gBHh);
}

}  // namespace glimpse

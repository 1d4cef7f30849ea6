// Bindings of the fused recurrent and attention kernels: sizes first, then the arrays, each
// checked against the length the sizes imply.
#include "bind.h"

namespace glimpse {
namespace {

RnnDims rnnDims(Args& a) {
  return RnnDims{static_cast<int>(a.integer(0)), static_cast<int>(a.integer(1)), static_cast<int>(a.integer(2)),
                 static_cast<int>(a.integer(3)), a.flag(4)};
}

bool lengthsInRange(Args& a, const int32_t* lengths, const RnnDims& p) {
  if (!lengths) return true;
  for (int b = 0; b < p.B; b++) {
    if (lengths[b] < 0 || lengths[b] > p.T) {
      a.error("glimpse-native: an RNN length is outside [0, T]");
      return false;
    }
  }
  return true;
}

napi_value LstmForward(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const RnnDims p = rnnDims(a);
  if (a.failed()) return nullptr;
  const long T = p.T, B = p.B, I = p.I, H = p.H, G = 4 * H;
  const float* x = a.f32(5, T * B * I);
  const float* wIh = a.f32(6, G * I);
  const float* wHh = a.f32(7, G * H);
  const float* bIh = a.f32(8, G, true);
  const float* bHh = a.f32(9, G, true);
  const float* h0 = a.f32(10, B * H);
  const float* c0 = a.f32(11, B * H);
  const int32_t* lengths = a.i32(12, B, true);
  float* out = a.f32(13, T * B * H);
  float* hN = a.f32(14, B * H);
  float* cN = a.f32(15, B * H);
  float* gates = a.f32(16, T * B * G);
  float* cs = a.f32(17, T * B * H);
  float* hs = a.f32(18, T * B * H);
  if (a.failed() || !lengthsInRange(a, lengths, p)) return nullptr;
  lstmForward(p, x, wIh, wHh, bIh, bHh, h0, c0, lengths, out, hN, cN, gates, cs, hs);
  return nullptr;
}

napi_value LstmBackward(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const RnnDims p = rnnDims(a);
  if (a.failed()) return nullptr;
  const long T = p.T, B = p.B, I = p.I, H = p.H, G = 4 * H;
  const float* x = a.f32(5, T * B * I);
  const float* wIh = a.f32(6, G * I);
  const float* wHh = a.f32(7, G * H);
  const float* h0 = a.f32(8, B * H);
  const float* c0 = a.f32(9, B * H);
  const int32_t* lengths = a.i32(10, B, true);
  const float* gates = a.f32(11, T * B * G);
  const float* cs = a.f32(12, T * B * H);
  const float* hs = a.f32(13, T * B * H);
  const float* gOut = a.f32(14, T * B * H, true);
  const float* gHN = a.f32(15, B * H, true);
  const float* gCN = a.f32(16, B * H, true);
  float* gX = a.f32(17, T * B * I, true);
  float* gWIh = a.f32(18, G * I, true);
  float* gWHh = a.f32(19, G * H, true);
  float* gBIh = a.f32(20, G, true);
  float* gBHh = a.f32(21, G, true);
  float* gH0 = a.f32(22, B * H, true);
  float* gC0 = a.f32(23, B * H, true);
  if (a.failed() || !lengthsInRange(a, lengths, p)) return nullptr;
  lstmBackward(p, x, wIh, wHh, h0, c0, lengths, gates, cs, hs, gOut, gHN, gCN, gX, gWIh, gWHh, gBIh, gBHh, gH0, gC0);
  return nullptr;
}

napi_value GruForward(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const RnnDims p = rnnDims(a);
  if (a.failed()) return nullptr;
  const long T = p.T, B = p.B, I = p.I, H = p.H, G = 3 * H;
  const float* x = a.f32(5, T * B * I);
  const float* wIh = a.f32(6, G * I);
  const float* wHh = a.f32(7, G * H);
  const float* bIh = a.f32(8, G, true);
  const float* bHh = a.f32(9, G, true);
  const float* h0 = a.f32(10, B * H);
  const int32_t* lengths = a.i32(11, B, true);
  float* out = a.f32(12, T * B * H);
  float* hN = a.f32(13, B * H);
  float* gates = a.f32(14, T * B * 4 * H);
  float* hs = a.f32(15, T * B * H);
  if (a.failed() || !lengthsInRange(a, lengths, p)) return nullptr;
  gruForward(p, x, wIh, wHh, bIh, bHh, h0, lengths, out, hN, gates, hs);
  return nullptr;
}

napi_value GruBackward(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const RnnDims p = rnnDims(a);
  if (a.failed()) return nullptr;
  const long T = p.T, B = p.B, I = p.I, H = p.H, G = 3 * H;
  const float* x = a.f32(5, T * B * I);
  const float* wIh = a.f32(6, G * I);
  const float* wHh = a.f32(7, G * H);
  const float* h0 = a.f32(8, B * H);
  const int32_t* lengths = a.i32(9, B, true);
  const float* gates = a.f32(10, T * B * 4 * H);
  const float* hs = a.f32(11, T * B * H);
  const float* gOut = a.f32(12, T * B * H, true);
  const float* gHN = a.f32(13, B * H, true);
  float* gX = a.f32(14, T * B * I, true);
  float* gWIh = a.f32(15, G * I, true);
  float* gWHh = a.f32(16, G * H, true);
  float* gBIh = a.f32(17, G, true);
  float* gBHh = a.f32(18, G, true);
  float* gH0 = a.f32(19, B * H, true);
  if (a.failed() || !lengthsInRange(a, lengths, p)) return nullptr;
  gruBackward(p, x, wIh, wHh, h0, lengths, gates, hs, gOut, gHN, gX, gWIh, gWHh, gBIh, gBHh, gH0);
  return nullptr;
}

SdpaDims sdpaDims(Args& a) {
  return SdpaDims{static_cast<int>(a.integer(0)), static_cast<int>(a.integer(1)), static_cast<int>(a.integer(2)),
                  static_cast<int>(a.integer(3)), static_cast<int>(a.integer(4)), static_cast<int>(a.integer(5)),
                  static_cast<float>(a.num(6)), a.flag(7)};
}

napi_value SdpaForward(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const SdpaDims p = sdpaDims(a);
  if (a.failed()) return nullptr;
  if (p.heads <= 0 && p.bh > 0) {
    a.error("glimpse-native: sdpa heads must be positive");
    return nullptr;
  }
  const long bh = p.bh, tq = p.tq, tk = p.tk, d = p.d, dv = p.dv;
  const float* q = a.f32(8, bh * tq * d);
  const float* k = a.f32(9, bh * tk * d);
  const float* v = a.f32(10, bh * tk * dv);
  const uint8_t* kp = a.u8(11, p.heads > 0 ? bh / p.heads * tk : 0, true);
  const uint8_t* am = a.u8(12, tq * tk, true);
  float* out = a.f32(13, bh * tq * dv);
  float* weights = a.f32(14, bh * tq * tk);
  if (a.failed()) return nullptr;
  sdpaForward(p, q, k, v, kp, am, out, weights);
  return nullptr;
}

napi_value SdpaBackward(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const SdpaDims p = sdpaDims(a);
  if (a.failed()) return nullptr;
  const long bh = p.bh, tq = p.tq, tk = p.tk, d = p.d, dv = p.dv;
  const float* q = a.f32(8, bh * tq * d);
  const float* k = a.f32(9, bh * tk * d);
  const float* v = a.f32(10, bh * tk * dv);
  const float* w = a.f32(11, bh * tq * tk);
  const float* gOut = a.f32(12, bh * tq * dv);
  const float* gW = a.f32(13, bh * tq * tk, true);
  float* gQ = a.f32(14, bh * tq * d, true);
  float* gK = a.f32(15, bh * tk * d, true);
  float* gV = a.f32(16, bh * tk * dv, true);
  if (a.failed()) return nullptr;
  sdpaBackward(p, q, k, v, w, gOut, gW, gQ, gK, gV);
  return nullptr;
}

}  // namespace

const Binding kFusedBindings[] = {
    {"lstmForward", LstmForward},
    {"lstmBackward", LstmBackward},
    {"gruForward", GruForward},
    {"gruBackward", GruBackward},
    {"sdpaForward", SdpaForward},
    {"sdpaBackward", SdpaBackward},
    {nullptr, nullptr},
};

}  // namespace glimpse

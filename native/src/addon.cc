// The Node-API surface: one function per Backend kernel, positional arguments (numbers and typed
// arrays; null for an absent optional array), no allocation and no copies. Argument order is
// what src/backend/native/backend.ts passes.
#include <node_api.h>

#include "args.h"
#include "cpu.h"
#include "gemm.h"
#include "kernels.h"
#include "pool.h"
#include "vec.h"

namespace glimpse {
namespace {

using Fn = napi_value (*)(napi_env, napi_callback_info);

napi_value number(napi_env env, double v) {
  napi_value r;
  napi_create_double(env, v, &r);
  return r;
}

napi_value string(napi_env env, const char* s) {
  napi_value r;
  napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &r);
  return r;
}

/** Reads a broadcast description [nd, shape…, strides of each operand…] (null: same shapes). */
bool readBcast(Args& a, int i, int operands, Bcast& bc) {
  if (a.isNull(i)) return false;
  const int32_t* meta = a.i32(i, 1);
  if (a.failed()) return false;
  const int nd = meta[0];
  if (nd < 0 || nd > 30) {
    a.error("glimpse-native: broadcast rank out of range");
    return false;
  }
  a.i32(i, 1 + nd * (1 + operands));
  bc.nd = nd;
  bc.shape = meta + 1;
  for (int k = 0; k < operands; k++) bc.strides[k] = meta + 1 + nd * (1 + k);
  return !a.failed();
}

napi_value Info(napi_env env, napi_callback_info) {
  napi_value o;
  napi_create_object(env, &o);
  napi_set_named_property(env, o, "isa", string(env, gemmIsa()));
  napi_set_named_property(env, o, "threads", number(env, threadCount()));
  napi_set_named_property(env, o, "napiVersion", number(env, NAPI_VERSION));
  return o;
}

napi_value SetThreads(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const long n = a.integer(0);
  if (a.failed()) return nullptr;
  setThreads(static_cast<int>(n));
  return a.undefined();
}

napi_value SetIsa(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const long isa = a.integer(0);
  if (a.failed()) return nullptr;
  gemmSetIsa(static_cast<int>(isa));
  vecSetIsa(static_cast<int>(isa));
  return string(env, gemmIsa());
}

napi_value Gemm(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const long batch = a.integer(0), m = a.integer(1), n = a.integer(2), k = a.integer(3);
  const bool tA = a.flag(4), tB = a.flag(5);
  const long sA = a.integer(6), sB = a.integer(7), sC = a.integer(8);
  const bool acc = a.flag(9);
  if (a.failed()) return nullptr;
  const long last = batch > 0 ? batch - 1 : 0;
  const float* A = a.f32(10, batch > 0 && m * k > 0 ? last * sA + m * k : 0);
  const float* B = a.f32(11, batch > 0 && k * n > 0 ? last * sB + k * n : 0);
  float* C = a.f32(12, batch > 0 && m * n > 0 ? last * sC + m * n : 0);
  if (a.failed()) return nullptr;
  gemmBatched(static_cast<int>(batch), static_cast<int>(m), static_cast<int>(n), static_cast<int>(k), tA, tB, sA, sB,
              sC, acc, A, B, C);
  return nullptr;
}

napi_value CopyStrided(napi_env env, napi_callback_info info) {
  Args a(env, info);
  int es = 0, es2 = 0, kind = 0, kind2 = 0;
  void* src = a.any(0, 0, es, kind);
  const long so = a.integer(1);
  void* dst = a.any(2, 0, es2, kind2);
  const long dof = a.integer(3);
  const int32_t* meta = a.i32(4, 1);
  if (a.failed()) return nullptr;
  if (es != es2) {
    a.error("glimpse-native: copyStrided between arrays of different element sizes");
    return nullptr;
  }
  const int nd = meta[0];
  a.i32(4, 1 + 3 * nd);
  if (a.failed()) return nullptr;
  copyStrided(src, so, meta + 1 + nd, dst, dof, meta + 1 + 2 * nd, meta + 1, nd, es);
  return nullptr;
}

napi_value Unary(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const int op = static_cast<int>(a.integer(0));
  const long n = a.length(2);
  const float* x = a.f32(1, n);
  float* out = a.f32(2, n);
  const double p0 = a.num(3), p1 = a.num(4);
  if (a.failed()) return nullptr;
  unary(op, x, out, n, p0, p1);
  return nullptr;
}

napi_value UnaryBackward(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const int op = static_cast<int>(a.integer(0));
  const long n = a.length(3);
  const float* x = a.f32(1, n);
  const float* y = a.f32(2, n);
  const float* gy = a.f32(3, n);
  float* gx = a.f32(4, n);
  const double p0 = a.num(5), p1 = a.num(6);
  if (a.failed()) return nullptr;
  unaryBackward(op, x, y, gy, gx, n, p0, p1);
  return nullptr;
}

/** Elements an operand reaches under a broadcast: 1 + Σ (shape_d − 1)·stride_d. */
long reach(const Bcast& bc, int k) {
  long r = 1;
  for (int d = 0; d < bc.nd; d++) {
    if (bc.shape[d] == 0) return 0;
    r += static_cast<long>(bc.shape[d] - 1) * bc.strides[k][d];
  }
  return r;
}

napi_value Binary(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const int op = static_cast<int>(a.integer(0));
  const long n = a.length(3);
  Bcast bc{};
  const bool hasBc = readBcast(a, 4, 2, bc);
  if (a.failed()) return nullptr;
  const float* x = a.f32(1, hasBc ? reach(bc, 0) : n);
  const float* y = a.f32(2, hasBc ? reach(bc, 1) : n);
  float* out = a.f32(3, n);
  if (a.failed()) return nullptr;
  binary(op, x, y, out, n, hasBc ? &bc : nullptr);
  return nullptr;
}

napi_value BinaryBackward(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const int op = static_cast<int>(a.integer(0));
  const long n = a.length(4);
  Bcast bc{};
  const bool hasBc = readBcast(a, 7, 2, bc);
  if (a.failed()) return nullptr;
  const float* x = a.f32(1, hasBc ? reach(bc, 0) : n);
  const float* y = a.f32(2, hasBc ? reach(bc, 1) : n);
  const float* out = a.f32(3, n);
  const float* gy = a.f32(4, n);
  float* ga = a.f32(5, n, true);
  float* gb = a.f32(6, n, true);
  if (a.failed()) return nullptr;
  binaryBackward(op, x, y, out, gy, ga, gb, n, hasBc ? &bc : nullptr);
  return nullptr;
}

napi_value Compare(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const int op = static_cast<int>(a.integer(0));
  const long n = a.length(3);
  Bcast bc{};
  const bool hasBc = readBcast(a, 4, 2, bc);
  if (a.failed()) return nullptr;
  int es1 = 0, k1 = 0, es2 = 0, k2 = 0;
  const void* x = a.any(1, hasBc ? reach(bc, 0) : n, es1, k1);
  const void* y = a.any(2, hasBc ? reach(bc, 1) : n, es2, k2);
  uint8_t* out = a.u8(3, n);
  if (a.failed()) return nullptr;
  if (k1 != k2) {
    a.error("glimpse-native: compare needs operands of one element type");
    return nullptr;
  }
  compare(op, k1, x, y, out, n, hasBc ? &bc : nullptr);
  return nullptr;
}

napi_value Where(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const long n = a.length(3);
  Bcast bc{};
  const bool hasBc = readBcast(a, 4, 3, bc);
  if (a.failed()) return nullptr;
  int es1 = 0, k1 = 0, es2 = 0, k2 = 0, es3 = 0, k3 = 0;
  const uint8_t* cond = a.u8(0, hasBc ? reach(bc, 0) : n);
  const void* x = a.any(1, hasBc ? reach(bc, 1) : n, es1, k1);
  const void* y = a.any(2, hasBc ? reach(bc, 2) : n, es2, k2);
  void* out = a.any(3, n, es3, k3);
  if (a.failed()) return nullptr;
  if (k1 != k3 || k2 != k3) {
    a.error("glimpse-native: where needs a, b and out of one element type");
    return nullptr;
  }
  where(cond, x, y, out, es3, n, hasBc ? &bc : nullptr);
  return nullptr;
}

napi_value MaskScale(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const long n = a.length(0);
  const float* x = a.f32(0, n);
  const uint8_t* mask = a.u8(1, n);
  const double scale = a.num(2);
  float* out = a.f32(3, n);
  if (a.failed()) return nullptr;
  maskScale(x, mask, static_cast<float>(scale), out, n);
  return nullptr;
}

napi_value Axpy(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const double alpha = a.num(0);
  const long n = a.length(1);
  const float* x = a.f32(1, n);
  float* y = a.f32(2, n);
  if (a.failed()) return nullptr;
  axpy(static_cast<float>(alpha), x, y, n);
  return nullptr;
}

napi_value SumSquares(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const long n = a.length(0);
  const float* x = a.f32(0, n);
  if (a.failed()) return nullptr;
  return number(env, sumSquares(x, n));
}

napi_value SumAxis(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const long outer = a.integer(1), n = a.integer(2), inner = a.integer(3);
  const float* x = a.f32(0, outer * n * inner);
  float* out = a.f32(4, outer * inner);
  const bool acc = a.flag(5);
  if (a.failed()) return nullptr;
  sumAxis(x, outer, n, inner, out, acc);
  return nullptr;
}

napi_value MaxAxis(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const long outer = a.integer(1), n = a.integer(2), inner = a.integer(3);
  const float* x = a.f32(0, outer * n * inner);
  float* out = a.f32(4, outer * inner);
  int32_t* arg = a.i32(5, outer * inner, true);
  if (a.failed()) return nullptr;
  maxAxis(x, outer, n, inner, out, arg);
  return nullptr;
}

napi_value Softmax(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const long rows = a.integer(1), n = a.integer(2);
  const float* x = a.f32(0, rows * n);
  float* out = a.f32(3, rows * n);
  const bool log = a.flag(4);
  if (a.failed()) return nullptr;
  softmax(x, rows, n, out, log);
  return nullptr;
}

napi_value SoftmaxBackward(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const long rows = a.integer(2), n = a.integer(3);
  const float* y = a.f32(0, rows * n);
  const float* gy = a.f32(1, rows * n);
  float* gx = a.f32(4, rows * n);
  const bool log = a.flag(5);
  if (a.failed()) return nullptr;
  softmaxBackward(y, gy, rows, n, gx, log);
  return nullptr;
}

bool targetsInRange(Args& a, const int32_t* target, long rows, long n, int ignore) {
  for (long r = 0; r < rows; r++) {
    if (target[r] != ignore && (target[r] < 0 || target[r] >= n)) {
      a.error("glimpse-native: crossEntropy target out of range");
      return false;
    }
  }
  return true;
}

napi_value CrossEntropy(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const long rows = a.integer(2), n = a.integer(3);
  const float* logits = a.f32(0, rows * n);
  const int32_t* target = a.i32(1, rows);
  const int ignore = static_cast<int>(a.integer(4));
  const double smoothing = a.num(5);
  float* loss = a.f32(6, rows);
  float* lse = a.f32(7, rows);
  if (a.failed() || !targetsInRange(a, target, rows, n, ignore)) return nullptr;
  crossEntropy(logits, target, rows, n, ignore, smoothing, loss, lse);
  return nullptr;
}

napi_value CrossEntropyBackward(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const long rows = a.integer(3), n = a.integer(4);
  const float* logits = a.f32(0, rows * n);
  const float* lse = a.f32(1, rows);
  const int32_t* target = a.i32(2, rows);
  const int ignore = static_cast<int>(a.integer(5));
  const double smoothing = a.num(6);
  const float* gLoss = a.f32(7, rows);
  float* gLogits = a.f32(8, rows * n);
  if (a.failed() || !targetsInRange(a, target, rows, n, ignore)) return nullptr;
  crossEntropyBackward(logits, lse, target, rows, n, ignore, smoothing, gLoss, gLogits);
  return nullptr;
}

napi_value IndexSelect(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const long outer = a.integer(1), n = a.integer(2), inner = a.integer(3);
  const long m = a.length(4);
  int es = 0, kind = 0, es2 = 0, kind2 = 0;
  const void* x = a.any(0, outer * n * inner, es, kind);
  const int32_t* idx = a.i32(4, m);
  void* out = a.any(5, outer * m * inner, es2, kind2);
  if (a.failed()) return nullptr;
  if (kind != kind2) {
    a.error("glimpse-native: indexSelect needs x and out of one element type");
    return nullptr;
  }
  if (!indexSelect(x, outer, n, inner, idx, m, out, es)) a.error("glimpse-native: indexSelect index out of range");
  return nullptr;
}

napi_value IndexAdd(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const long outer = a.integer(1), n = a.integer(2), inner = a.integer(3);
  const long m = a.length(4);
  const float* g = a.f32(0, outer * m * inner);
  const int32_t* idx = a.i32(4, m);
  float* gx = a.f32(5, outer * n * inner);
  const int skip = static_cast<int>(a.integer(6));
  if (a.failed()) return nullptr;
  if (!indexAdd(g, outer, n, inner, idx, m, gx, skip)) a.error("glimpse-native: indexAdd index out of range");
  return nullptr;
}

napi_value Gather(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const long outer = a.integer(1), n = a.integer(2), inner = a.integer(3), m = a.integer(5);
  int es = 0, kind = 0, es2 = 0, kind2 = 0;
  const void* x = a.any(0, outer * n * inner, es, kind);
  const int32_t* idx = a.i32(4, outer * m * inner);
  void* out = a.any(6, outer * m * inner, es2, kind2);
  if (a.failed()) return nullptr;
  if (kind != kind2) {
    a.error("glimpse-native: gather needs x and out of one element type");
    return nullptr;
  }
  if (!gather(x, outer, n, inner, idx, m, out, es)) a.error("glimpse-native: gather index out of range");
  return nullptr;
}

napi_value ScatterAdd(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const long outer = a.integer(1), n = a.integer(2), inner = a.integer(3), m = a.integer(5);
  const float* g = a.f32(0, outer * m * inner);
  const int32_t* idx = a.i32(4, outer * m * inner);
  float* gx = a.f32(6, outer * n * inner);
  if (a.failed()) return nullptr;
  if (!scatterAdd(g, outer, n, inner, idx, m, gx)) a.error("glimpse-native: scatterAdd index out of range");
  return nullptr;
}

napi_value LayerNorm(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const long rows = a.integer(3), n = a.integer(4);
  const float* x = a.f32(0, rows * n);
  const float* gamma = a.f32(1, n, true);
  const float* beta = a.f32(2, n, true);
  const double eps = a.num(5);
  float* y = a.f32(6, rows * n);
  float* mean = a.f32(7, rows);
  float* rstd = a.f32(8, rows);
  if (a.failed()) return nullptr;
  layerNorm(x, gamma, beta, rows, n, eps, y, mean, rstd);
  return nullptr;
}

napi_value LayerNormBackward(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const long rows = a.integer(5), n = a.integer(6);
  const float* x = a.f32(0, rows * n);
  const float* gamma = a.f32(1, n, true);
  const float* mean = a.f32(2, rows);
  const float* rstd = a.f32(3, rows);
  const float* gy = a.f32(4, rows * n);
  float* gx = a.f32(7, rows * n, true);
  float* gGamma = a.f32(8, n, true);
  float* gBeta = a.f32(9, n, true);
  if (a.failed()) return nullptr;
  layerNormBackward(x, gamma, mean, rstd, gy, rows, n, gx, gGamma, gBeta);
  return nullptr;
}

napi_value Adam(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const long n = a.length(0);
  float* param = a.f32(0, n);
  const float* grad = a.f32(1, n);
  float* m = a.f32(2, n);
  float* v = a.f32(3, n);
  AdamArgs p{a.num(4), a.num(5), a.num(6), a.num(7), a.num(8), a.num(9), a.num(10)};
  if (a.failed()) return nullptr;
  adam(param, grad, m, v, n, p);
  return nullptr;
}

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

napi_value Init(napi_env env, napi_value exports) {
  static const struct {
    const char* name;
    Fn fn;
  } fns[] = {
      {"info", Info}, {"setThreads", SetThreads}, {"setIsa", SetIsa}, {"gemm", Gemm},
      {"copyStrided", CopyStrided}, {"unary", Unary}, {"unaryBackward", UnaryBackward}, {"binary", Binary},
      {"binaryBackward", BinaryBackward}, {"compare", Compare}, {"where", Where}, {"maskScale", MaskScale},
      {"axpy", Axpy}, {"sumSquares", SumSquares}, {"sumAxis", SumAxis}, {"maxAxis", MaxAxis},
      {"softmax", Softmax}, {"softmaxBackward", SoftmaxBackward}, {"crossEntropy", CrossEntropy},
      {"crossEntropyBackward", CrossEntropyBackward}, {"indexSelect", IndexSelect}, {"indexAdd", IndexAdd},
      {"gather", Gather}, {"scatterAdd", ScatterAdd}, {"layerNorm", LayerNorm},
      {"layerNormBackward", LayerNormBackward}, {"adam", Adam}, {"lstmForward", LstmForward},
      {"lstmBackward", LstmBackward}, {"gruForward", GruForward}, {"gruBackward", GruBackward},
      {"sdpaForward", SdpaForward}, {"sdpaBackward", SdpaBackward},
  };
  for (const auto& f : fns) {
    napi_value v;
    napi_create_function(env, f.name, NAPI_AUTO_LENGTH, f.fn, nullptr, &v);
    napi_set_named_property(env, exports, f.name, v);
  }
  return exports;
}

}  // namespace
}  // namespace glimpse

NAPI_MODULE(NODE_GYP_MODULE_NAME, glimpse::Init)

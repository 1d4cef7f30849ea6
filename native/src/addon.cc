// The Node-API surface: one function per Backend kernel, positional arguments (numbers and typed
// arrays; null for an absent optional array), no allocation and no copies. Argument order is
// what src/backend/native/backend.ts passes. Elementwise and fused kernels are bound in
// bind_elementwise.cc and bind_fused.cc.
#include <node_api.h>

#include <initializer_list>

#include "bind.h"
#include "cpu.h"
#include "gemm.h"
#include "pool.h"
#include "vec.h"

namespace glimpse {
namespace {

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

napi_value FmaPeak(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const long threads = a.integer(0);
  if (a.failed()) return nullptr;
  return number(env, fmaPeakGflops(static_cast<int>(threads)));
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

napi_value Init(napi_env env, napi_value exports) {
  static const Binding own[] = {
      {"info", Info}, {"setThreads", SetThreads}, {"setIsa", SetIsa}, {"fmaPeak", FmaPeak}, {"gemm", Gemm},
      {"copyStrided", CopyStrided}, {"indexSelect", IndexSelect}, {"indexAdd", IndexAdd}, {"gather", Gather},
      {"scatterAdd", ScatterAdd}, {"layerNorm", LayerNorm}, {"layerNormBackward", LayerNormBackward},
      {"adam", Adam}, {nullptr, nullptr},
  };
  for (const Binding* table : {own, kElementwiseBindings, kFusedBindings}) {
    for (const Binding* f = table; f->name; f++) {
      napi_value v;
      napi_create_function(env, f->name, NAPI_AUTO_LENGTH, f->fn, nullptr, &v);
      napi_set_named_property(env, exports, f->name, v);
    }
  }
  return exports;
}

}  // namespace
}  // namespace glimpse

NAPI_MODULE(NODE_GYP_MODULE_NAME, glimpse::Init)

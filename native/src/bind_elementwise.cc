// Bindings of the elementwise, reduction, softmax and cross-entropy kernels.
#include "bind.h"

namespace glimpse {
namespace {

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

}  // namespace

const Binding kElementwiseBindings[] = {
    {"unary", Unary},
    {"unaryBackward", UnaryBackward},
    {"binary", Binary},
    {"binaryBackward", BinaryBackward},
    {"compare", Compare},
    {"where", Where},
    {"maskScale", MaskScale},
    {"axpy", Axpy},
    {"sumSquares", SumSquares},
    {"sumAxis", SumAxis},
    {"maxAxis", MaxAxis},
    {"softmax", Softmax},
    {"softmaxBackward", SoftmaxBackward},
    {"crossEntropy", CrossEntropy},
    {"crossEntropyBackward", CrossEntropyBackward},
    {nullptr, nullptr},
};

}  // namespace glimpse

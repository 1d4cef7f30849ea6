#include <cmath>
#include <cstring>
#include <limits>

#include "bcast.h"
#include "kernels.h"
#include "pool.h"
#include "vec.h"

namespace glimpse {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// Exact GELU: x·Φ(x) with Φ(x) = ½·erfc(−x/√2), which keeps its relative accuracy in the
// negative tail (½(1 + erf) cancels there); computed in double, as the reference does.
constexpr double kSqrt1_2 = 0.70710678118654752440;
constexpr double kInvSqrt2Pi = 0.39894228040143267794;
inline double normalCdf(double x) { return 0.5 * std::erfc(-x * kSqrt1_2); }
inline float geluOne(float x) { return static_cast<float>(x * normalCdf(x)); }
inline float geluGrad(float x) {
  const double v = x;
  return static_cast<float>(normalCdf(v) + v * kInvSqrt2Pi * std::exp(-0.5 * v * v));
}

// Math.max / Math.min: NaN if either operand is NaN.
inline float jsMax(float a, float b) { return (a != a || b != b) ? kNaN : (a > b ? a : b); }
inline float jsMin(float a, float b) { return (a != a || b != b) ? kNaN : (a < b ? a : b); }

template <int OP>
inline float binOne(float a, float b) {
  if constexpr (OP == B_ADD) return a + b;
  if constexpr (OP == B_SUB) return a - b;
  if constexpr (OP == B_MUL) return a * b;
  if constexpr (OP == B_DIV) return a / b;
  if constexpr (OP == B_POW) return static_cast<float>(std::pow(static_cast<double>(a), static_cast<double>(b)));
  if constexpr (OP == B_MAXIMUM) return jsMax(a, b);
  if constexpr (OP == B_MINIMUM) return jsMin(a, b);
  return 0.f;
}

template <int OP>
void binRow(const float* a, long sa, const float* b, long sb, float* out, long n) {
  if (sa == 1 && sb == 1) {
    for (long i = 0; i < n; i++) out[i] = binOne<OP>(a[i], b[i]);
  } else if (sa == 1 && sb == 0) {
    const float y = b[0];
    for (long i = 0; i < n; i++) out[i] = binOne<OP>(a[i], y);
  } else if (sa == 0 && sb == 1) {
    const float x = a[0];
    for (long i = 0; i < n; i++) out[i] = binOne<OP>(x, b[i]);
  } else {
    for (long i = 0; i < n; i++) out[i] = binOne<OP>(a[i * sa], b[i * sb]);
  }
}

template <int OP>
void binaryT(const float* a, const float* b, float* out, long n, const Bcast* bc) {
  if (!bc) {
    binRow<OP>(a, 1, b, 1, out, n);
    return;
  }
  const int last = bc->nd - 1;
  const long sa = last >= 0 ? bc->strides[0][last] : 0;
  const long sb = last >= 0 ? bc->strides[1][last] : 0;
  long o = 0;
  forEachRow<2>(*bc, [&](const long* off, long len) {
    binRow<OP>(a + off[0], sa, b + off[1], sb, out + o, len);
    o += len;
  });
}

void binBwdRow(int op, const float* a, long sa, const float* b, long sb, const float* out, const float* gy, float* ga,
               float* gb, long n) {
  for (long i = 0; i < n; i++) {
    const float g = gy[i];
    const float x = a[i * sa];
    const float y = b[i * sb];
    float da = 0, db = 0;
    switch (op) {
      case B_ADD: da = g; db = g; break;
      case B_SUB: da = g; db = -g; break;
      case B_MUL: da = g * y; db = g * x; break;
      case B_DIV: da = g / y; db = static_cast<float>((-static_cast<double>(g) * x) / (static_cast<double>(y) * y)); break;
      case B_POW:
        da = y == 0 ? 0.f : static_cast<float>(static_cast<double>(g) * y * std::pow(static_cast<double>(x), static_cast<double>(y) - 1));
        db = x == 0 ? 0.f : static_cast<float>(static_cast<double>(g) * out[i] * std::log(static_cast<double>(x)));
        break;
      // Ties split the gradient equally, as PyTorch does.
      case B_MAXIMUM: da = x > y ? g : x == y ? g / 2 : 0.f; db = g - da; break;
      case B_MINIMUM: da = x < y ? g : x == y ? g / 2 : 0.f; db = g - da; break;
    }
    if (ga) ga[i] = da;
    if (gb) gb[i] = db;
  }
}

template <class T, int OP>
inline bool cmpOne(T x, T y) {
  if constexpr (OP == C_EQ) return x == y;
  if constexpr (OP == C_NE) return x != y;
  if constexpr (OP == C_LT) return x < y;
  if constexpr (OP == C_LE) return x <= y;
  if constexpr (OP == C_GT) return x > y;
  if constexpr (OP == C_GE) return x >= y;
  if constexpr (OP == C_AND) return x != 0 && y != 0;
  if constexpr (OP == C_OR) return x != 0 || y != 0;
  return false;
}

template <class T, int OP>
void compareT(const T* a, const T* b, uint8_t* out, long n, const Bcast* bc) {
  if (!bc) {
    for (long i = 0; i < n; i++) out[i] = cmpOne<T, OP>(a[i], b[i]);
    return;
  }
  const int last = bc->nd - 1;
  const long sa = last >= 0 ? bc->strides[0][last] : 0;
  const long sb = last >= 0 ? bc->strides[1][last] : 0;
  long o = 0;
  forEachRow<2>(*bc, [&](const long* off, long len) {
    const T* x = a + off[0];
    const T* y = b + off[1];
    for (long i = 0; i < len; i++) out[o + i] = cmpOne<T, OP>(x[i * sa], y[i * sb]);
    o += len;
  });
}

template <class T>
void compareK(int op, const T* a, const T* b, uint8_t* out, long n, const Bcast* bc) {
  switch (op) {
    case C_EQ: compareT<T, C_EQ>(a, b, out, n, bc); break;
    case C_NE: compareT<T, C_NE>(a, b, out, n, bc); break;
    case C_LT: compareT<T, C_LT>(a, b, out, n, bc); break;
    case C_LE: compareT<T, C_LE>(a, b, out, n, bc); break;
    case C_GT: compareT<T, C_GT>(a, b, out, n, bc); break;
    case C_GE: compareT<T, C_GE>(a, b, out, n, bc); break;
    case C_AND: compareT<T, C_AND>(a, b, out, n, bc); break;
    case C_OR: compareT<T, C_OR>(a, b, out, n, bc); break;
  }
}

template <class T>
void whereT(const uint8_t* cond, const T* a, const T* b, T* out, long n, const Bcast* bc) {
  if (!bc) {
    for (long i = 0; i < n; i++) out[i] = cond[i] ? a[i] : b[i];
    return;
  }
  const int last = bc->nd - 1;
  const long dc = last >= 0 ? bc->strides[0][last] : 0;
  const long da = last >= 0 ? bc->strides[1][last] : 0;
  const long db = last >= 0 ? bc->strides[2][last] : 0;
  long o = 0;
  forEachRow<3>(*bc, [&](const long* off, long len) {
    const uint8_t* c = cond + off[0];
    const T* x = a + off[1];
    const T* y = b + off[2];
    for (long i = 0; i < len; i++) out[o + i] = c[i * dc] ? x[i * da] : y[i * db];
    o += len;
  });
}

template <class T>
void copyT(const T* src, const int32_t* ss, T* dst, const int32_t* ds, const int32_t* shape, int nd) {
  const long n = shape[nd - 1];
  const long s1 = ss[nd - 1];
  const long d1 = ds[nd - 1];
  int idx[32] = {};
  long so = 0, dof = 0;
  for (;;) {
    if (s1 == 1 && d1 == 1) {
      std::memcpy(dst + dof, src + so, sizeof(T) * static_cast<size_t>(n));
    } else {
      for (long i = 0; i < n; i++) dst[dof + i * d1] = src[so + i * s1];
    }
    int d = nd - 2;
    for (; d >= 0; d--) {
      idx[d]++;
      so += ss[d];
      dof += ds[d];
      if (idx[d] < shape[d]) break;
      so -= static_cast<long>(ss[d]) * shape[d];
      dof -= static_cast<long>(ds[d]) * shape[d];
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

}  // namespace

namespace {
void unaryRange(int op, const float* x, float* out, long n, double p0, double p1) {
  const VecMath& vm = vecMath();
  switch (op) {
    case U_NEG: for (long i = 0; i < n; i++) out[i] = -x[i]; break;
    case U_EXP: vm.exp(x, out, n); break;
    case U_LOG: for (long i = 0; i < n; i++) out[i] = static_cast<float>(std::log(static_cast<double>(x[i]))); break;
    case U_SQRT: for (long i = 0; i < n; i++) out[i] = std::sqrt(x[i]); break;
    case U_TANH: vm.tanh(x, out, n); break;
    case U_SIGMOID: vm.sigmoid(x, out, n); break;
    case U_RELU: for (long i = 0; i < n; i++) out[i] = x[i] > 0 ? x[i] : 0.f; break;
    case U_ABS: for (long i = 0; i < n; i++) out[i] = std::fabs(x[i]); break;
    case U_POW: for (long i = 0; i < n; i++) out[i] = static_cast<float>(std::pow(static_cast<double>(x[i]), p0)); break;
    case U_CLAMP: {
      const float lo = static_cast<float>(p0), hi = static_cast<float>(p1);
      for (long i = 0; i < n; i++) {
        const float v = x[i];
        out[i] = v < lo ? lo : v > hi ? hi : v;
      }
      break;
    }
    case U_AFFINE: {
      for (long i = 0; i < n; i++) out[i] = static_cast<float>(x[i] * p0 + p1);
      break;
    }
    case U_GELU: for (long i = 0; i < n; i++) out[i] = geluOne(x[i]); break;
  }
}

void unaryBackwardRange(int op, const float* x, const float* y, const float* gy, float* gx, long n, double p0,
                        double p1) {
  switch (op) {
    case U_NEG: for (long i = 0; i < n; i++) gx[i] = -gy[i]; break;
    case U_EXP: for (long i = 0; i < n; i++) gx[i] = gy[i] * y[i]; break;
    case U_LOG: for (long i = 0; i < n; i++) gx[i] = gy[i] / x[i]; break;
    case U_SQRT: for (long i = 0; i < n; i++) gx[i] = (gy[i] * 0.5f) / y[i]; break;
    case U_TANH: for (long i = 0; i < n; i++) gx[i] = gy[i] * (1.f - y[i] * y[i]); break;
    case U_SIGMOID: for (long i = 0; i < n; i++) gx[i] = gy[i] * y[i] * (1.f - y[i]); break;
    case U_RELU: for (long i = 0; i < n; i++) gx[i] = x[i] > 0 ? gy[i] : 0.f; break;
    case U_ABS: for (long i = 0; i < n; i++) gx[i] = x[i] > 0 ? gy[i] : x[i] < 0 ? -gy[i] : 0.f; break;
    case U_POW:
      for (long i = 0; i < n; i++)
        gx[i] = p0 == 0 ? 0.f : static_cast<float>(gy[i] * p0 * std::pow(static_cast<double>(x[i]), p0 - 1));
      break;
    case U_CLAMP:
      for (long i = 0; i < n; i++) gx[i] = x[i] >= p0 && x[i] <= p1 ? gy[i] : 0.f;
      break;
    case U_AFFINE: for (long i = 0; i < n; i++) gx[i] = static_cast<float>(gy[i] * p0); break;
    case U_GELU: for (long i = 0; i < n; i++) gx[i] = gy[i] * geluGrad(x[i]); break;
  }
}
}  // namespace

// Large elementwise work is split over the pool in contiguous chunks.
void unary(int op, const float* x, float* out, long n, double p0, double p1) {
  parallelChunks(n, [&](long lo, long hi) { unaryRange(op, x + lo, out + lo, hi - lo, p0, p1); });
}

void unaryBackward(int op, const float* x, const float* y, const float* gy, float* gx, long n, double p0, double p1) {
  parallelChunks(n, [&](long lo, long hi) { unaryBackwardRange(op, x + lo, y + lo, gy + lo, gx + lo, hi - lo, p0, p1); });
}

namespace {
void binaryAny(int op, const float* a, const float* b, float* out, long n, const Bcast* bc) {
  switch (op) {
    case B_ADD: binaryT<B_ADD>(a, b, out, n, bc); break;
    case B_SUB: binaryT<B_SUB>(a, b, out, n, bc); break;
    case B_MUL: binaryT<B_MUL>(a, b, out, n, bc); break;
    case B_DIV: binaryT<B_DIV>(a, b, out, n, bc); break;
    case B_POW: binaryT<B_POW>(a, b, out, n, bc); break;
    case B_MAXIMUM: binaryT<B_MAXIMUM>(a, b, out, n, bc); break;
    case B_MINIMUM: binaryT<B_MINIMUM>(a, b, out, n, bc); break;
  }
}
}  // namespace

void binary(int op, const float* a, const float* b, float* out, long n, const Bcast* bc) {
  if (bc) {
    binaryAny(op, a, b, out, n, bc);
    return;
  }
  parallelChunks(n, [&](long lo, long hi) { binaryAny(op, a + lo, b + lo, out + lo, hi - lo, nullptr); });
}

void binaryBackward(int op, const float* a, const float* b, const float* out, const float* gy, float* ga, float* gb,
                    long n, const Bcast* bc) {
  if (!bc) {
    binBwdRow(op, a, 1, b, 1, out, gy, ga, gb, n);
    return;
  }
  const int last = bc->nd - 1;
  const long sa = last >= 0 ? bc->strides[0][last] : 0;
  const long sb = last >= 0 ? bc->strides[1][last] : 0;
  long o = 0;
  forEachRow<2>(*bc, [&](const long* off, long len) {
    binBwdRow(op, a + off[0], sa, b + off[1], sb, out + o, gy + o, ga ? ga + o : nullptr, gb ? gb + o : nullptr, len);
    o += len;
  });
}

void compare(int op, int elemKind, const void* a, const void* b, uint8_t* out, long n, const Bcast* bc) {
  switch (elemKind) {
    case 0: compareK(op, static_cast<const float*>(a), static_cast<const float*>(b), out, n, bc); break;
    case 1: compareK(op, static_cast<const int32_t*>(a), static_cast<const int32_t*>(b), out, n, bc); break;
    default: compareK(op, static_cast<const uint8_t*>(a), static_cast<const uint8_t*>(b), out, n, bc); break;
  }
}

void where(const uint8_t* cond, const void* a, const void* b, void* out, int elemSize, long n, const Bcast* bc) {
  if (elemSize == 4)
    whereT(cond, static_cast<const uint32_t*>(a), static_cast<const uint32_t*>(b), static_cast<uint32_t*>(out), n, bc);
  else
    whereT(cond, static_cast<const uint8_t*>(a), static_cast<const uint8_t*>(b), static_cast<uint8_t*>(out), n, bc);
}

void maskScale(const float* x, const uint8_t* mask, float scale, float* out, long n) {
  parallelChunks(n, [&](long lo, long hi) {
    for (long i = lo; i < hi; i++) out[i] = mask[i] ? x[i] * scale : 0.f;
  });
}

void axpy(float alpha, const float* x, float* y, long n) {
  parallelChunks(n, [&](long lo, long hi) {
    for (long i = lo; i < hi; i++) y[i] += alpha * x[i];
  });
}

double sumSquares(const float* x, long n) {
  const VecMath& vm = vecMath();
  double part[64] = {};
  const int T = threadCount() < 64 ? threadCount() : 64;
  if (T <= 1 || n < (1L << 18)) return vm.sumSquares(x, n);
  parallelFor(T, [&](int t) {
    const long lo = n * t / T, hi = n * (t + 1) / T;
    part[t] = vm.sumSquares(x + lo, hi - lo);
  });
  double s = 0;
  for (int t = 0; t < T; t++) s += part[t];
  return s;
}

void copyStrided(const void* src, long srcOffset, const int32_t* srcStrides, void* dst, long dstOffset,
                 const int32_t* dstStrides, const int32_t* shape, int nd, int elemSize) {
  if (nd == 0) {
    std::memcpy(static_cast<char*>(dst) + dstOffset * elemSize, static_cast<const char*>(src) + srcOffset * elemSize,
                static_cast<size_t>(elemSize));
    return;
  }
  for (int d = 0; d < nd; d++)
    if (shape[d] == 0) return;
  if (elemSize == 4)
    copyT(static_cast<const uint32_t*>(src) + srcOffset, srcStrides, static_cast<uint32_t*>(dst) + dstOffset, dstStrides, shape, nd);
  else
    copyT(static_cast<const uint8_t*>(src) + srcOffset, srcStrides, static_cast<uint8_t*>(dst) + dstOffset, dstStrides, shape, nd);
}

}  // namespace glimpse

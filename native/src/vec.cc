#include <limits>
#include "vec.h"

#include <cmath>

#include "cpu.h"

namespace glimpse {

constexpr float kInf = std::numeric_limits<float>::infinity();
namespace {

void expG(const float* x, float* y, long n) {
  for (long i = 0; i < n; i++) y[i] = std::exp(x[i]);
}
void sigmoidG(const float* x, float* y, long n) {
  for (long i = 0; i < n; i++) y[i] = 1.f / (1.f + std::exp(-x[i]));
}
void tanhG(const float* x, float* y, long n) {
  for (long i = 0; i < n; i++) y[i] = std::tanh(x[i]);
}
double expShiftSumG(const float* x, float* y, long n, float shift) {
  double s = 0;
  for (long i = 0; i < n; i++) {
    const float e = std::exp(x[i] - shift);
    if (y) y[i] = e;
    s += e;
  }
  return s;
}

float scaleMaxG(float* x, long n, float s) {
  float m = -kInf;
  for (long i = 0; i < n; i++) {
    x[i] *= s;
    m = x[i] > m ? x[i] : m;
  }
  return m;
}
void scaleG(float* x, long n, float s) {
  for (long i = 0; i < n; i++) x[i] *= s;
}

float maxG(const float* x, long n) {
  float m = -kInf;
  for (long i = 0; i < n; i++) m = x[i] > m ? x[i] : m;
  return m;
}
double sumSquaresG(const float* x, long n) {
  double s[4] = {0, 0, 0, 0};
  long i = 0;
  for (; i + 4 <= n; i += 4)
    for (int j = 0; j < 4; j++) s[j] += static_cast<double>(x[i + j]) * x[i + j];
  for (; i < n; i++) s[0] += static_cast<double>(x[i]) * x[i];
  return (s[0] + s[1]) + (s[2] + s[3]);
}

float dotG(const float* a, const float* b, long n) {
  float s[4] = {0, 0, 0, 0};
  long i = 0;
  for (; i + 4 <= n; i += 4)
    for (int j = 0; j < 4; j++) s[j] += a[i + j] * b[i + j];
  for (; i < n; i++) s[0] += a[i] * b[i];
  return (s[0] + s[1]) + (s[2] + s[3]);
}
void axpyG(float alpha, const float* x, float* y, long n) {
  for (long i = 0; i < n; i++) y[i] += alpha * x[i];
}

const VecMath* active = nullptr;

const VecMath& forIsa(Isa isa) {
#if defined(__x86_64__) || defined(_M_X64)
  if (isa == Isa::avx512 || isa == Isa::avx2) return vecMathAvx2();
#endif
  (void)isa;
  return vecMathGeneric();
}

}  // namespace

const VecMath& vecMathGeneric() {
  static const VecMath v{expG, sigmoidG, tanhG, expShiftSumG, scaleMaxG, scaleG, maxG, sumSquaresG, dotG, axpyG};
  return v;
}

const VecMath& vecMath() {
  if (!active) active = &forIsa(detectIsa());
  return *active;
}

void vecSetIsa(int isa) {
  const Isa best = detectIsa();
  Isa want = static_cast<Isa>(isa);
  if (want != Isa::generic && best == Isa::generic) want = Isa::generic;
  active = &forIsa(want);
}

}  // namespace glimpse

// Vectorised transcendental array functions (the LSTM/GRU gates, softmax and cross-entropy spend
// their time here). One table per instruction set, picked with the GEMM's family.
#pragma once

namespace glimpse {

struct VecMath {
  /** y = exp(x). */
  void (*exp)(const float* x, float* y, long n);
  /** y = 1 / (1 + exp(-x)). */
  void (*sigmoid)(const float* x, float* y, long n);
  /** y = tanh(x). */
  void (*tanh)(const float* x, float* y, long n);
  /** y = exp(x - shift) (y may be null: only the sum is wanted); returns Σ exp(x - shift). */
  double (*expShiftSum)(const float* x, float* y, long n, float shift);
  /** x ← x·s; returns max(x) (−∞ for n = 0; NaN entries are skipped). */
  float (*scaleMax)(float* x, long n, float s);
  /** x ← x·s. */
  void (*scale)(float* x, long n, float s);
  /** max(x) (−∞ for n = 0; NaN entries are skipped). */
  float (*max)(const float* x, long n);
  /** Σ x² accumulated in float64. */
  double (*sumSquares)(const float* x, long n);
  /** Σ a·b (float accumulators; the small products of attention with one or a few queries). */
  float (*dot)(const float* a, const float* b, long n);
  /** y += alpha·x. */
  void (*axpy)(float alpha, const float* x, float* y, long n);
};

const VecMath& vecMath();
void vecSetIsa(int isa);

const VecMath& vecMathGeneric();
#if defined(__x86_64__) || defined(_M_X64)
const VecMath& vecMathAvx2();
#endif

}  // namespace glimpse

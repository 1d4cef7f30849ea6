// Single-precision GEMM, BLIS style: C (+)= op(A)·op(B) with A and B packed into cache-sized
// panels and a register-blocked micro-kernel per instruction set, threaded over the pool.
#pragma once

#include <cstddef>

namespace glimpse {

/** A matrix view: element (i, j) is at data[i·rs + j·cs] (so any transpose is just strides). */
struct MatView {
  const float* data;
  long rs;
  long cs;
};

/** C[m×n] (ldc) (+)= A[m×k]·B[k×n]; `threads` false keeps it on the calling thread. */
void gemmView(int m, int n, int k, MatView a, MatView b, float* c, long ldc, bool accumulate, bool threads = true);

/** The batched GEMM of the Backend interface (row-major, transpose flags, stride-0 broadcast). */
void gemmBatched(int batch, int m, int n, int k, bool transA, bool transB, long strideA, long strideB,
                 long strideC, bool accumulate, const float* a, const float* b, float* c);

/**
 * B packed once for many products with the same right operand (an RNN's W_hh at every step).
 * Holds the whole k×n matrix as NR-column panels.
 */
class PackedB {
 public:
  PackedB() = default;
  PackedB(const PackedB&) = delete;
  PackedB& operator=(const PackedB&) = delete;
  ~PackedB();
  void pack(int k, int n, MatView b);
  int k() const { return k_; }
  int n() const { return n_; }
  const float* panels() const { return data_; }

 private:
  float* data_ = nullptr;
  size_t capacity_ = 0;
  int k_ = 0;
  int n_ = 0;
};

/**
 * C[m×n] (+)= A[m×k]·B with B prepacked; threads over column panels when worthwhile and
 * `threads` is set (inside a pool task, pass false).
 */
void gemmPacked(int m, MatView a, const PackedB& b, float* c, long ldc, bool accumulate, bool threads = true);

/** Name of the micro-kernel family in use ("avx512", "avx2", "neon", "generic"). */
const char* gemmIsa();
void gemmSetIsa(int isa);
/**
 * The cores' measured FMA throughput with the active kernel family's vectors, in GFLOP/s summed
 * over `threads` pool threads (each timed on its own); 0 where the family has no FMA probe.
 */
double fmaPeakGflops(int threads);

}  // namespace glimpse

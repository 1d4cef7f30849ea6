#include "gemm.h"

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "cpu.h"
#include "pool.h"
#include "ukernel.h"

namespace glimpse {
namespace {

// Cache blocking (BLIS names): a KC×NR panel of B stays in L1 while the MC×KC block of A streams
// from L2; the KC×NC block of B lives in L3. MC and NC are multiples of every MR and NR in use.
constexpr int KC = 256;
constexpr int MC = 240;
constexpr int NC = 4096;
// Below this many flops a product runs on the calling thread. Within a training step the workers
// are awake (they spin between kernel calls) and a late one costs nothing (the caller runs the
// tasks nobody claimed), so a decoder step's 64-row products (~6 MFLOP) already gain ~1.8×.
constexpr double kParallelFlops = 2.0 * 64 * 64 * 64;

const GemmKernel* active = nullptr;
Isa activeIsa = Isa::generic;

const GemmKernel& kernelFor(Isa isa) {
  switch (isa) {
#if defined(__x86_64__) || defined(_M_X64)
    case Isa::avx512: return gemmKernelAvx512();
    case Isa::avx2: return gemmKernelAvx2();
#endif
#if defined(__aarch64__) || defined(_M_ARM64)
    case Isa::neon: return gemmKernelNeon();
#endif
    default: return gemmKernelGeneric();
  }
}

const GemmKernel& kern() {
  if (!active) {
    activeIsa = detectIsa();
    active = &kernelFor(activeIsa);
  }
  return *active;
}

float* alignedAlloc(size_t floats) {
  void* p = nullptr;
#if defined(_MSC_VER)
  p = _aligned_malloc(floats * sizeof(float), 64);
#else
  if (posix_memalign(&p, 64, floats * sizeof(float)) != 0) p = nullptr;
#endif
  if (!p) std::abort();
  return static_cast<float*>(p);
}

void alignedFree(float* p) {
#if defined(_MSC_VER)
  _aligned_free(p);
#else
  std::free(p);
#endif
}

/** Per-thread packing buffers of fixed size (the largest any block can need): no growth. */
struct Scratch {
  float* a = nullptr;
  float* b = nullptr;
  Scratch() {
    a = alignedAlloc(static_cast<size_t>(MC + 16) * KC);
    b = alignedAlloc(static_cast<size_t>(NC + 32) * KC);
  }
  ~Scratch() {
    alignedFree(a);
    alignedFree(b);
  }
};

Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

void zeroRows(int m, int n, float* c, long ldc) {
  for (int i = 0; i < m; i++) std::memset(c + i * ldc, 0, sizeof(float) * static_cast<size_t>(n));
}

/** The serial blocked algorithm on C[m0:m1, n0:n1]. */
void blocked(const GemmKernel& K, int m0, int m1, int n0, int n1, int k, MatView a, MatView b, float* c, long ldc,
             bool accumulate) {
  Scratch& s = scratch();
  const int MR = K.mr;
  const int NR = K.nr;
  for (int jc = n0; jc < n1; jc += NC) {
    const int nc = n1 - jc < NC ? n1 - jc : NC;
    for (int pc = 0; pc < k; pc += KC) {
      const int kc = k - pc < KC ? k - pc : KC;
      const bool acc = accumulate || pc > 0;
      K.packB(kc, nc, b.data + pc * b.rs + jc * b.cs, b.rs, b.cs, s.b);
      for (int ic = m0; ic < m1; ic += MC) {
        const int mc = m1 - ic < MC ? m1 - ic : MC;
        K.packA(mc, kc, a.data + ic * a.rs + pc * a.cs, a.rs, a.cs, s.a);
        for (int jr = 0; jr < nc; jr += NR) {
          const int nr = nc - jr < NR ? nc - jr : NR;
          const float* bp = s.b + static_cast<long>(jr) * kc;
          for (int ir = 0; ir < mc; ir += MR) {
            const int mr = mc - ir < MR ? mc - ir : MR;
            K.kernel(kc, s.a + static_cast<long>(ir) * kc, bp, c + (ic + ir) * ldc + jc + jr, ldc, mr, nr, acc);
          }
        }
      }
    }
  }
}

// Products with at most this many rows skip packing: each row of C is a vector–matrix product
// that streams B once (GEMV-like: decoding steps, batch-1 inference).
constexpr int kSmallRows = 4;
// With B transposed (x·Wᵀ: every Linear, the recurrent products) and a kernel's rowsNT, up to this
// many rows (a beam, a small batch) share one pass over B.
constexpr int kSmallRowsNT = 8;

/** C[m×n] (+)= A·B for m ≤ kSmallRows over columns [n0, n1), B's rows contiguous (cs = 1). */
void smallRowsNN(int m, int n0, int n1, int k, MatView a, MatView b, float* c, long ldc, bool accumulate) {
  for (int i = 0; i < m; i++) {
    float* ci = c + i * ldc;
    if (!accumulate)
      for (int j = n0; j < n1; j++) ci[j] = 0.f;
    for (int p = 0; p < k; p++) {
      const float av = a.data[i * a.rs + p * a.cs];
      const float* bp = b.data + p * b.rs;
      for (int j = n0; j < n1; j++) ci[j] += av * bp[j];
    }
  }
}

/** The same with B's columns contiguous (rs = 1, B transposed): one dot product per element. */
void smallRowsNT(int m, int n0, int n1, int k, MatView a, MatView b, float* c, long ldc, bool accumulate) {
  for (int i = 0; i < m; i++) {
    float* ci = c + i * ldc;
    const float* ai = a.data + i * a.rs;
    for (int j = n0; j < n1; j++) {
      const float* bj = b.data + j * b.cs;
      float s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
      int p = 0;
      if (a.cs == 1) {
        for (; p + 8 <= k; p += 8)
          for (int q = 0; q < 8; q++) s[q] += ai[p + q] * bj[p + q];
      }
      float t = ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
      for (; p < k; p++) t += ai[p * a.cs] * bj[p];
      ci[j] = accumulate ? ci[j] + t : t;
    }
  }
}

/** Splits [0, size) into `parts` ranges aligned to `align`; range `i` is [lo, hi). */
void splitRange(int size, int parts, int align, int i, int& lo, int& hi) {
  const int units = (size + align - 1) / align;
  const int per = units / parts;
  const int extra = units % parts;
  const int u0 = i * per + (i < extra ? i : extra);
  const int u1 = u0 + per + (i < extra ? 1 : 0);
  lo = u0 * align < size ? u0 * align : size;
  hi = u1 * align < size ? u1 * align : size;
}

}  // namespace

const char* gemmIsa() {
  kern();
  return isaName(activeIsa);
}

void gemmSetIsa(int isa) {
  kern();
  const Isa best = detectIsa();
  Isa want = static_cast<Isa>(isa);
  // Never above what the CPU runs.
  if (want == Isa::avx512 && best != Isa::avx512) want = best;
  if (want == Isa::avx2 && best != Isa::avx512 && best != Isa::avx2) want = best;
  if (want == Isa::neon && best != Isa::neon) want = best;
  activeIsa = want;
  active = &kernelFor(want);
}

double fmaPeakGflops(int threads) {
  const GemmKernel& K = kern();
  if (!K.fmaLoop) return 0;
  const int T = threads < 1 ? 1 : (threads > threadCount() ? threadCount() : threads);
  constexpr long kIters = 20'000'000;  // ≈ 40–80 ms per thread
  std::vector<double> rate(static_cast<size_t>(T));
  parallelFor(T, [&](int t) {
    // A volatile store of each result keeps the loops from being optimised away.
    volatile float sink = K.fmaLoop(kIters / 8);  // wake the core (clock, wide-vector power-up) first
    const auto t0 = std::chrono::steady_clock::now();
    sink = K.fmaLoop(kIters);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    rate[t] = static_cast<double>(kIters) * K.fmaLoopFlops / s / 1e9;
    (void)sink;
  });
  double sum = 0;
  for (double r : rate) sum += r;
  return sum;
}

void gemmView(int m, int n, int k, MatView a, MatView b, float* c, long ldc, bool accumulate, bool threads) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    if (!accumulate) zeroRows(m, n, c, ldc);
    return;
  }
  const GemmKernel& K = kern();
  const int T = threadCount();
  const double flops = 2.0 * m * n * k;
  // [0, size) in `align`-aligned ranges over the threads, or whole here when the product is small.
  auto overRange = [&](int size, int align, const auto& body) {
    if (!threads || T <= 1 || flops < kParallelFlops) {
      body(0, size);
      return;
    }
    parallelFor(T, [&](int t) {
      int lo, hi;
      splitRange(size, T, align, t, lo, hi);
      if (lo < hi) body(lo, hi);
    });
  };
  // Few rows: C's columns in ranges over the threads, each range one pass over B.
  auto overColumns = [&](const auto& cols) { overRange(n, 16, cols); };
  if (K.rowsNT && n == 1 && m > kSmallRowsNT && b.rs == 1 && a.cs == 1) {
    // One column (a matrix–vector product, e.g. additive attention's v·tanh(…) over every source
    // position): one dot product per row, the rows split over the threads.
    overRange(m, 4, [&](int lo, int hi) {
      K.rowsNT(hi - lo, 0, 1, k, a.data + static_cast<long>(lo) * a.rs, a.rs, b.data, b.cs, c + lo * ldc, ldc, accumulate);
    });
    return;
  }
  if (K.rowsNT && m <= kSmallRowsNT && b.rs == 1 && a.cs == 1) {
    overColumns([&](int n0, int n1) { K.rowsNT(m, n0, n1, k, a.data, a.rs, b.data, b.cs, c, ldc, accumulate); });
    return;
  }
  if (m <= kSmallRows && (b.cs == 1 || b.rs == 1)) {
    overColumns([&](int n0, int n1) {
      if (b.cs == 1) smallRowsNN(m, n0, n1, k, a, b, c, ldc, accumulate);
      else smallRowsNT(m, n0, n1, k, a, b, c, ldc, accumulate);
    });
    return;
  }
  if (!threads || T <= 1 || flops < kParallelFlops) {
    blocked(K, 0, m, 0, n, k, a, b, c, ldc, accumulate);
    return;
  }
  // Split the wider dimension so the redundant packing (of the other operand) stays small.
  const bool splitN = (n + K.nr - 1) / K.nr >= T && (n >= m || (m + K.mr - 1) / K.mr < T);
  const int parts = splitN ? ((n + K.nr - 1) / K.nr < T ? (n + K.nr - 1) / K.nr : T)
                           : ((m + K.mr - 1) / K.mr < T ? (m + K.mr - 1) / K.mr : T);
  parallelFor(parts, [&](int t) {
    int lo, hi;
    if (splitN) {
      splitRange(n, parts, K.nr, t, lo, hi);
      if (lo < hi) blocked(K, 0, m, lo, hi, k, a, b, c, ldc, accumulate);
    } else {
      splitRange(m, parts, K.mr, t, lo, hi);
      if (lo < hi) blocked(K, lo, hi, 0, n, k, a, b, c, ldc, accumulate);
    }
  });
}

void gemmBatched(int batch, int m, int n, int k, bool transA, bool transB, long strideA, long strideB, long strideC,
                 bool accumulate, const float* a, const float* b, float* c) {
  if (batch <= 0 || m <= 0 || n <= 0) return;
  // Row-major A is m×k (k×m when transposed); B is k×n (n×k when transposed).
  const MatView av{a, transA ? 1 : k, transA ? m : 1};
  const MatView bv{b, transB ? 1 : n, transB ? k : 1};
  const int T = threadCount();
  const double flops = 2.0 * m * n * k * batch;
  // Independent outputs can run one matrix per task; a shared C (stride 0) must not.
  const bool perMatrix = batch > 1 && strideC != 0 && T > 1 && flops >= kParallelFlops &&
                         (batch >= 4 * T || batch % T == 0);
  if (perMatrix) {
    parallelFor(batch, [&](int i) {
      const MatView ai{av.data + i * strideA, av.rs, av.cs};
      const MatView bi{bv.data + i * strideB, bv.rs, bv.cs};
      gemmView(m, n, k, ai, bi, c + i * strideC, n, accumulate, false);
    });
    return;
  }
  for (int i = 0; i < batch; i++) {
    const MatView ai{av.data + i * strideA, av.rs, av.cs};
    const MatView bi{bv.data + i * strideB, bv.rs, bv.cs};
    // With a shared C every product after the first accumulates onto it.
    gemmView(m, n, k, ai, bi, c + i * strideC, n, accumulate || (strideC == 0 && i > 0), true);
  }
}

PackedB::~PackedB() {
  if (data_) alignedFree(data_);
}

void PackedB::pack(int k, int n, MatView b) {
  const GemmKernel& K = kern();
  const int panels = (n + K.nr - 1) / K.nr;
  const size_t need = static_cast<size_t>(panels) * K.nr * (k > 0 ? k : 1);
  if (need > capacity_) {
    if (data_) alignedFree(data_);
    data_ = alignedAlloc(need);
    capacity_ = need;
  }
  k_ = k;
  n_ = n;
  const long npad = static_cast<long>(panels) * K.nr;
  for (int pc = 0; pc < k; pc += KC) {
    const int kc = k - pc < KC ? k - pc : KC;
    K.packB(kc, n, b.data + pc * b.rs, b.rs, b.cs, data_ + pc * npad);
  }
}

void gemmPacked(int m, MatView a, const PackedB& b, float* c, long ldc, bool accumulate, bool threads) {
  const int n = b.n();
  const int k = b.k();
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    if (!accumulate) zeroRows(m, n, c, ldc);
    return;
  }
  const GemmKernel& K = kern();
  const int NR = K.nr;
  const int MR = K.mr;
  const int panels = (n + NR - 1) / NR;
  const long npad = static_cast<long>(panels) * NR;
  const int T = threadCount();
  const int parts = threads && T > 1 && 2.0 * m * n * k >= kParallelFlops ? (panels < T ? panels : T) : 1;
  auto run = [&](int t) {
    int lo, hi;
    splitRange(n, parts, NR, t, lo, hi);
    if (lo >= hi) return;
    Scratch& s = scratch();
    for (int pc = 0; pc < k; pc += KC) {
      const int kc = k - pc < KC ? k - pc : KC;
      const bool acc = accumulate || pc > 0;
      for (int ic = 0; ic < m; ic += MC) {
        const int mc = m - ic < MC ? m - ic : MC;
        K.packA(mc, kc, a.data + ic * a.rs + pc * a.cs, a.rs, a.cs, s.a);
        for (int jr = lo; jr < hi; jr += NR) {
          const int nr = hi - jr < NR ? hi - jr : NR;
          const float* bp = b.panels() + pc * npad + static_cast<long>(jr) * kc;
          for (int ir = 0; ir < mc; ir += MR) {
            const int mr = mc - ir < MR ? mc - ir : MR;
            K.kernel(kc, s.a + static_cast<long>(ir) * kc, bp, c + (ic + ir) * ldc + jr, ldc, mr, nr, acc);
          }
        }
      }
    }
  };
  if (parts == 1) run(0);
  else parallelFor(parts, run);
}

}  // namespace glimpse

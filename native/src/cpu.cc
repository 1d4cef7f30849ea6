#include "cpu.h"

#include <cstdlib>
#include <cstring>

#if defined(__x86_64__) || defined(_M_X64)
#if defined(_MSC_VER)
#include <intrin.h>
#else
#include <cpuid.h>
#endif
#endif

namespace glimpse {

#if defined(__x86_64__) || defined(_M_X64)
namespace {

void cpuid(unsigned leaf, unsigned sub, unsigned r[4]) {
#if defined(_MSC_VER)
  int v[4];
  __cpuidex(v, static_cast<int>(leaf), static_cast<int>(sub));
  for (int i = 0; i < 4; i++) r[i] = static_cast<unsigned>(v[i]);
#else
  __cpuid_count(leaf, sub, r[0], r[1], r[2], r[3]);
#endif
}

unsigned long long xgetbv0() {
#if defined(_MSC_VER)
  return _xgetbv(0);
#else
  unsigned lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (static_cast<unsigned long long>(hi) << 32) | lo;
#endif
}

Isa probeX86() {
  unsigned r[4];
  cpuid(0, 0, r);
  const unsigned maxLeaf = r[0];
  cpuid(1, 0, r);
  const bool fma = (r[2] >> 12) & 1;
  const bool osxsave = (r[2] >> 27) & 1;
  const bool avx = (r[2] >> 28) & 1;
  if (!osxsave || !avx || !fma || maxLeaf < 7) return Isa::generic;
  // The OS must save the YMM (and for AVX-512 the opmask/ZMM) state across context switches.
  const unsigned long long xcr0 = xgetbv0();
  if ((xcr0 & 0x6) != 0x6) return Isa::generic;
  cpuid(7, 0, r);
  const bool avx2 = (r[1] >> 5) & 1;
  const bool avx512f = (r[1] >> 16) & 1;
  if (!avx2) return Isa::generic;
  if (avx512f && (xcr0 & 0xe6) == 0xe6) return Isa::avx512;
  return Isa::avx2;
}

}  // namespace
#endif

Isa detectIsa() {
#if defined(__x86_64__) || defined(_M_X64)
  Isa best = probeX86();
#elif defined(__aarch64__) || defined(_M_ARM64)
  Isa best = Isa::neon;
#else
  Isa best = Isa::generic;
#endif
  // A lower family can be forced (never a higher one): tests run every path on one machine.
  if (const char* want = std::getenv("GLIMPSE_NATIVE_ISA")) {
    if (std::strcmp(want, "generic") == 0) best = Isa::generic;
    else if (std::strcmp(want, "avx2") == 0 && best == Isa::avx512) best = Isa::avx2;
  }
  return best;
}

const char* isaName(Isa isa) {
  switch (isa) {
    case Isa::avx512: return "avx512";
    case Isa::avx2: return "avx2";
    case Isa::neon: return "neon";
    default: return "generic";
  }
}

}  // namespace glimpse

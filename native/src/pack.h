// Packing routines shared by every micro-kernel family; included by each ISA's translation unit
// inside its own namespace so each is compiled (and vectorised) with that unit's flags.
// Requires MR and NR as constexpr ints in the including scope.

#ifndef GLIMPSE_PREFETCH
#if defined(__GNUC__) || defined(__clang__)
#define GLIMPSE_PREFETCH(p) __builtin_prefetch(p)
#else
#define GLIMPSE_PREFETCH(p) ((void)0)
#endif
#endif

static void packA(int mc, int kc, const float* a, long rs, long cs, float* dst) {
  if (rs == 1) {
    // op(A) columns are contiguous (A transposed): walk p outermost so each source row is read
    // once as one contiguous run, dealing MR-float pieces out to the panels.
    const int panels = (mc + MR - 1) / MR;
    for (int p = 0; p < kc; p++) {
      const float* s = a + p * cs;
      // The rows are far apart (one page each, in short runs): fetch a few rows ahead.
      if (p + 6 < kc) {
        const char* ahead = reinterpret_cast<const char*>(s + 6 * cs);
        for (int b = 0; b < mc * 4; b += 64) GLIMPSE_PREFETCH(ahead + b);
      }
      for (int ip = 0; ip < panels; ip++) {
        float* d = dst + static_cast<long>(ip) * kc * MR + p * MR;
        const int i0 = ip * MR;
        const int mr = mc - i0 < MR ? mc - i0 : MR;
        if (mr == MR) {
          for (int i = 0; i < MR; i++) d[i] = s[i0 + i];
        } else {
          int i = 0;
          for (; i < mr; i++) d[i] = s[i0 + i];
          for (; i < MR; i++) d[i] = 0.f;
        }
      }
    }
    return;
  }
  for (int i0 = 0; i0 < mc; i0 += MR) {
    const int mr = mc - i0 < MR ? mc - i0 : MR;
    const float* src = a + i0 * rs;
    if (mr == MR) {
      // p outermost: the MR source rows stay in L1 and every store is contiguous.
      for (int p = 0; p < kc; p++) {
        const float* s = src + p * cs;
        float* d = dst + p * MR;
        for (int i = 0; i < MR; i++) d[i] = s[i * rs];
      }
    } else {
      for (int p = 0; p < kc; p++) {
        const float* s = src + p * cs;
        float* d = dst + p * MR;
        int i = 0;
        for (; i < mr; i++) d[i] = s[i * rs];
        for (; i < MR; i++) d[i] = 0.f;
      }
    }
    dst += kc * MR;
  }
}

static void packB(int kc, int nc, const float* b, long rs, long cs, float* dst) {
  for (int j0 = 0; j0 < nc; j0 += NR) {
    const int nr = nc - j0 < NR ? nc - j0 : NR;
    const float* src = b + j0 * cs;
    if (cs == 1) {
      if (nr == NR) {
        for (int p = 0; p < kc; p++) {
          const float* s = src + p * rs;
          float* d = dst + p * NR;
          for (int j = 0; j < NR; j++) d[j] = s[j];
        }
      } else {
        for (int p = 0; p < kc; p++) {
          const float* s = src + p * rs;
          float* d = dst + p * NR;
          int j = 0;
          for (; j < nr; j++) d[j] = s[j];
          for (; j < NR; j++) d[j] = 0.f;
        }
      }
    } else {
      // op(B) rows are strided (B transposed): walk each source row contiguously, in blocks of
      // 8 p so the scattered writes stay within a few cache lines.
      int p0 = 0;
      for (; p0 + 8 <= kc; p0 += 8) {
        for (int j = 0; j < nr; j++) {
          const float* s = src + j * cs + p0 * rs;
          float* d = dst + p0 * NR + j;
          for (int q = 0; q < 8; q++) d[q * NR] = s[q * rs];
        }
        for (int j = nr; j < NR; j++)
          for (int q = 0; q < 8; q++) dst[(p0 + q) * NR + j] = 0.f;
      }
      for (; p0 < kc; p0++) {
        for (int j = 0; j < nr; j++) dst[p0 * NR + j] = src[j * cs + p0 * rs];
        for (int j = nr; j < NR; j++) dst[p0 * NR + j] = 0.f;
      }
    }
    dst += kc * NR;
  }
}

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
#if defined(__AVX2__)
      // Full panels of B transposed (every x·Wᵀ): 8 × 8 blocks transposed in registers, eight
      // contiguous loads and eight contiguous stores instead of 64 scalar moves.
      if (rs == 1 && nr == NR && NR % 8 == 0) {
        for (; p0 + 8 <= kc; p0 += 8) {
          for (int j8 = 0; j8 < NR; j8 += 8) {
            const float* s = src + j8 * cs + p0;
            __m256 r0 = _mm256_loadu_ps(s), r1 = _mm256_loadu_ps(s + cs), r2 = _mm256_loadu_ps(s + 2 * cs),
                   r3 = _mm256_loadu_ps(s + 3 * cs), r4 = _mm256_loadu_ps(s + 4 * cs), r5 = _mm256_loadu_ps(s + 5 * cs),
                   r6 = _mm256_loadu_ps(s + 6 * cs), r7 = _mm256_loadu_ps(s + 7 * cs);
            const __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
            const __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
            const __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
            const __m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
            const __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
            const __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
            const __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
            const __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
            r0 = _mm256_permute2f128_ps(u0, u4, 0x20);
            r1 = _mm256_permute2f128_ps(u1, u5, 0x20);
            r2 = _mm256_permute2f128_ps(u2, u6, 0x20);
            r3 = _mm256_permute2f128_ps(u3, u7, 0x20);
            r4 = _mm256_permute2f128_ps(u0, u4, 0x31);
            r5 = _mm256_permute2f128_ps(u1, u5, 0x31);
            r6 = _mm256_permute2f128_ps(u2, u6, 0x31);
            r7 = _mm256_permute2f128_ps(u3, u7, 0x31);
            float* d = dst + p0 * NR + j8;
            _mm256_storeu_ps(d, r0);
            _mm256_storeu_ps(d + NR, r1);
            _mm256_storeu_ps(d + 2 * NR, r2);
            _mm256_storeu_ps(d + 3 * NR, r3);
            _mm256_storeu_ps(d + 4 * NR, r4);
            _mm256_storeu_ps(d + 5 * NR, r5);
            _mm256_storeu_ps(d + 6 * NR, r6);
            _mm256_storeu_ps(d + 7 * NR, r7);
          }
        }
      }
#endif
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

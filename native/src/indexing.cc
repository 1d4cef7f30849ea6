#include <cstring>

#include "kernels.h"

namespace glimpse {

bool indexSelect(const void* x, long outer, long n, long inner, const int32_t* idx, long m, void* out, int elemSize) {
  for (long j = 0; j < m; j++)
    if (idx[j] < 0 || idx[j] >= n) return false;
  const size_t row = static_cast<size_t>(inner) * elemSize;
  const char* src = static_cast<const char*>(x);
  char* dst = static_cast<char*>(out);
  for (long o = 0; o < outer; o++)
    for (long j = 0; j < m; j++) std::memcpy(dst + (o * m + j) * row, src + (o * n + idx[j]) * row, row);
  return true;
}

bool indexAdd(const float* g, long outer, long n, long inner, const int32_t* idx, long m, float* gx, int skip) {
  for (long j = 0; j < m; j++)
    if (idx[j] != skip && (idx[j] < 0 || idx[j] >= n)) return false;
  for (long o = 0; o < outer; o++) {
    for (long j = 0; j < m; j++) {
      const int r = idx[j];
      if (r == skip) continue;
      float* d = gx + (o * n + r) * inner;
      const float* s = g + (o * m + j) * inner;
      for (long i = 0; i < inner; i++) d[i] += s[i];
    }
  }
  return true;
}

namespace {
template <class T>
bool gatherT(const T* x, long outer, long n, long inner, const int32_t* idx, long m, T* out) {
  for (long o = 0; o < outer; o++) {
    for (long j = 0; j < m; j++) {
      const long base = (o * m + j) * inner;
      for (long i = 0; i < inner; i++) {
        const int32_t r = idx[base + i];
        if (r < 0 || r >= n) return false;
        out[base + i] = x[(o * n + r) * inner + i];
      }
    }
  }
  return true;
}
}  // namespace

bool gather(const void* x, long outer, long n, long inner, const int32_t* idx, long m, void* out, int elemSize) {
  if (elemSize == 4)
    return gatherT(static_cast<const uint32_t*>(x), outer, n, inner, idx, m, static_cast<uint32_t*>(out));
  return gatherT(static_cast<const uint8_t*>(x), outer, n, inner, idx, m, static_cast<uint8_t*>(out));
}

bool scatterAdd(const float* g, long outer, long n, long inner, const int32_t* idx, long m, float* gx) {
  for (long o = 0; o < outer; o++) {
    for (long j = 0; j < m; j++) {
      const long base = (o * m + j) * inner;
      for (long i = 0; i < inner; i++) {
        const int32_t r = idx[base + i];
        if (r < 0 || r >= n) return false;
        gx[(o * n + r) * inner + i] += g[base + i];
      }
    }
  }
  return true;
}

}  // namespace glimpse

// Row-wise N-d broadcast iteration (mirrors forEachRow in src/backend/ref/copy.ts).
#pragma once

#include "kernels.h"

namespace glimpse {

/** Calls row(offsets, n) per innermost row; offsets[k] is operand k's start, operands = K. */
template <int K, class F>
void forEachRow(const Bcast& bc, const F& row) {
  long off[K] = {};
  if (bc.nd == 0) {
    row(off, 1L);
    return;
  }
  for (int d = 0; d < bc.nd; d++)
    if (bc.shape[d] == 0) return;
  int idx[32] = {};
  const long n = bc.shape[bc.nd - 1];
  for (;;) {
    row(off, n);
    int d = bc.nd - 2;
    for (; d >= 0; d--) {
      idx[d]++;
      for (int j = 0; j < K; j++) off[j] += bc.strides[j][d];
      if (idx[d] < bc.shape[d]) break;
      for (int j = 0; j < K; j++) off[j] -= static_cast<long>(bc.strides[j][d]) * bc.shape[d];
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

}  // namespace glimpse

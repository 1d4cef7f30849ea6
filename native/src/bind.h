// Shared pieces of the Node-API bindings (addon.cc, bind_elementwise.cc, bind_fused.cc).
#pragma once

#include <node_api.h>

#include "args.h"
#include "kernels.h"

namespace glimpse {

struct Binding {
  const char* name;
  napi_value (*fn)(napi_env, napi_callback_info);
};

/** The kernels bound in bind_elementwise.cc and bind_fused.cc (null-name terminated). */
extern const Binding kElementwiseBindings[];
extern const Binding kFusedBindings[];

inline napi_value number(napi_env env, double v) {
  napi_value r;
  napi_create_double(env, v, &r);
  return r;
}

inline napi_value string(napi_env env, const char* s) {
  napi_value r;
  napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &r);
  return r;
}

/** Reads a broadcast description [nd, shape…, strides of each operand…] (null: same shapes). */
inline bool readBcast(Args& a, int i, int operands, Bcast& bc) {
  if (a.isNull(i)) return false;
  const int32_t* meta = a.i32(i, 1);
  if (a.failed()) return false;
  const int nd = meta[0];
  if (nd < 0 || nd > 30) {
    a.error("glimpse-native: broadcast rank out of range");
    return false;
  }
  a.i32(i, 1 + nd * (1 + operands));
  bc.nd = nd;
  bc.shape = meta + 1;
  for (int k = 0; k < operands; k++) bc.strides[k] = meta + 1 + nd * (1 + k);
  return !a.failed();
}

/** Elements an operand reaches under a broadcast: 1 + Σ (shape_d − 1)·stride_d. */
inline long reach(const Bcast& bc, int k) {
  long r = 1;
  for (int d = 0; d < bc.nd; d++) {
    if (bc.shape[d] == 0) return 0;
    r += static_cast<long>(bc.shape[d] - 1) * bc.strides[k][d];
  }
  return r;
}

}  // namespace glimpse

// Reading a kernel call's arguments from JavaScript without copies: typed arrays give their own
// memory (napi_get_typedarray_info), checked for element type and length so a wrong call throws
// instead of reading or writing out of bounds.
#pragma once

#include <node_api.h>

#include <cstdint>
#include <cstdio>

namespace glimpse {

class Args {
 public:
  static constexpr int kMax = 32;

  Args(napi_env env, napi_callback_info info) : env_(env) {
    size_t argc = kMax;
    napi_get_cb_info(env, info, &argc, argv_, nullptr, nullptr);
    argc_ = static_cast<int>(argc);
  }

  bool failed() const { return failed_; }
  napi_env env() const { return env_; }

  double num(int i) {
    double v = 0;
    if (!ok(i) || napi_get_value_double(env_, argv_[i], &v) != napi_ok) fail(i, "a number");
    return v;
  }
  long integer(int i) { return static_cast<long>(num(i)); }
  bool flag(int i) {
    bool v = false;
    if (!ok(i) || napi_get_value_bool(env_, argv_[i], &v) != napi_ok) fail(i, "a boolean");
    return v;
  }

  float* f32(int i, long need, bool nullable = false) {
    return static_cast<float*>(typed(i, napi_float32_array, need, nullable, "a Float32Array"));
  }
  int32_t* i32(int i, long need, bool nullable = false) {
    return static_cast<int32_t*>(typed(i, napi_int32_array, need, nullable, "an Int32Array"));
  }
  uint8_t* u8(int i, long need, bool nullable = false) {
    return static_cast<uint8_t*>(typed(i, napi_uint8_array, need, nullable, "a Uint8Array"));
  }

  /** Any 1- or 4-byte typed array (float32, int32, uint8); elemSize/kind report which. */
  void* any(int i, long need, int& elemSize, int& kind) {
    napi_typedarray_type type;
    size_t length = 0;
    void* data = nullptr;
    if (!ok(i) || napi_get_typedarray_info(env_, argv_[i], &type, &length, &data, nullptr, nullptr) != napi_ok) {
      fail(i, "a typed array");
      return nullptr;
    }
    switch (type) {
      case napi_float32_array: elemSize = 4; kind = 0; break;
      case napi_int32_array: elemSize = 4; kind = 1; break;
      case napi_uint8_array: elemSize = 1; kind = 2; break;
      default: fail(i, "a Float32Array, Int32Array or Uint8Array"); return nullptr;
    }
    if (static_cast<long>(length) < need) fail(i, "long enough", static_cast<long>(length), need);
    return data;
  }

  /** Element count of the typed array at i (0 when it is not one). */
  long length(int i) {
    if (!ok(i)) return 0;
    size_t length = 0;
    if (napi_get_typedarray_info(env_, argv_[i], nullptr, &length, nullptr, nullptr, nullptr) != napi_ok) return 0;
    return static_cast<long>(length);
  }

  bool isNull(int i) {
    if (i >= argc_) return true;
    napi_valuetype t;
    napi_typeof(env_, argv_[i], &t);
    return t == napi_null || t == napi_undefined;
  }

  napi_value undefined() {
    napi_value u;
    napi_get_undefined(env_, &u);
    return u;
  }

  /** Throws a RangeError from a kernel's own check. */
  void error(const char* message) {
    if (failed_) return;
    failed_ = true;
    napi_throw_range_error(env_, nullptr, message);
  }

 private:
  bool ok(int i) const { return i < argc_; }

  void* typed(int i, napi_typedarray_type want, long need, bool nullable, const char* what) {
    if (nullable && isNull(i)) return nullptr;
    napi_typedarray_type type;
    size_t length = 0;
    void* data = nullptr;
    if (!ok(i) || napi_get_typedarray_info(env_, argv_[i], &type, &length, &data, nullptr, nullptr) != napi_ok ||
        type != want) {
      fail(i, what);
      return nullptr;
    }
    if (static_cast<long>(length) < need) fail(i, what, static_cast<long>(length), need);
    return data;
  }

  void fail(int i, const char* what, long have = -1, long need = -1) {
    if (failed_) return;
    failed_ = true;
    char msg[200];
    if (have >= 0)
      std::snprintf(msg, sizeof msg, "glimpse-native: argument %d has %ld elements, the kernel needs %ld", i, have, need);
    else
      std::snprintf(msg, sizeof msg, "glimpse-native: argument %d must be %s", i, what);
    napi_throw_type_error(env_, nullptr, msg);
  }

  napi_env env_;
  napi_value argv_[kMax];
  int argc_ = 0;
  bool failed_ = false;
};

}  // namespace glimpse

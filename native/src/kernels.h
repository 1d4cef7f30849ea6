// The Backend kernels on raw float32 memory (see src/backend/backend.ts for each one's contract;
// the TypeScript reference kernels in src/backend/ref are the specification). Sizes are element
// counts; arrays are dense row-major; nullptr stands for an absent optional array.
#pragma once

#include <cstdint>

namespace glimpse {

// ---- elementwise (op codes follow the order of the TypeScript unions; see native/ops.ts) ------
enum UnaryOp { U_NEG, U_EXP, U_LOG, U_SQRT, U_TANH, U_SIGMOID, U_RELU, U_ABS, U_POW, U_CLAMP, U_AFFINE, U_GELU };
enum BinaryOp { B_ADD, B_SUB, B_MUL, B_DIV, B_POW, B_MAXIMUM, B_MINIMUM };
enum CompareOp { C_EQ, C_NE, C_LT, C_LE, C_GT, C_GE, C_AND, C_OR };

/** Broadcast iteration: output shape and per-operand strides (in elements), `nd` dims. */
struct Bcast {
  int nd;
  const int32_t* shape;
  const int32_t* strides[3];
};

void unary(int op, const float* x, float* out, long n, double p0, double p1);
void unaryBackward(int op, const float* x, const float* y, const float* gy, float* gx, long n, double p0, double p1);
void binary(int op, const float* a, const float* b, float* out, long n, const Bcast* bc);
void binaryBackward(int op, const float* a, const float* b, const float* out, const float* gy, float* ga, float* gb,
                    long n, const Bcast* bc);
/** elemKind: 0 float32, 1 int32, 2 uint8 (both operands of one kind). */
void compare(int op, int elemKind, const void* a, const void* b, uint8_t* out, long n, const Bcast* bc);
/** out = cond ? a : b for elements of `elemSize` bytes (1 or 4). */
void where(const uint8_t* cond, const void* a, const void* b, void* out, int elemSize, long n, const Bcast* bc);
void maskScale(const float* x, const uint8_t* mask, float scale, float* out, long n);
void axpy(float alpha, const float* x, float* y, long n);
double sumSquares(const float* x, long n);
/** N-d strided copy of elements of `elemSize` bytes. */
void copyStrided(const void* src, long srcOffset, const int32_t* srcStrides, void* dst, long dstOffset,
                 const int32_t* dstStrides, const int32_t* shape, int nd, int elemSize);

// ---- reductions ---------------------------------------------------------------------------
void sumAxis(const float* x, long outer, long n, long inner, float* out, bool accumulate);
void maxAxis(const float* x, long outer, long n, long inner, float* out, int32_t* arg);

// ---- softmax family -------------------------------------------------------------------------
void softmax(const float* x, long rows, long n, float* out, bool log);
void softmaxBackward(const float* y, const float* gy, long rows, long n, float* gx, bool log);
void crossEntropy(const float* logits, const int32_t* target, long rows, long n, int ignoreIndex, double smoothing,
                  float* loss, float* lse);
void crossEntropyBackward(const float* logits, const float* lse, const int32_t* target, long rows, long n,
                          int ignoreIndex, double smoothing, const float* gLoss, float* gLogits);

// ---- indexing (return false when an index is out of range) -------------------------------------
bool indexSelect(const void* x, long outer, long n, long inner, const int32_t* idx, long m, void* out, int elemSize);
bool indexAdd(const float* g, long outer, long n, long inner, const int32_t* idx, long m, float* gx, int skip);
bool gather(const void* x, long outer, long n, long inner, const int32_t* idx, long m, void* out, int elemSize);
bool scatterAdd(const float* g, long outer, long n, long inner, const int32_t* idx, long m, float* gx);

// ---- normalisation and optimisers ---------------------------------------------------------------
void layerNorm(const float* x, const float* gamma, const float* beta, long rows, long n, double eps, float* y,
               float* mean, float* rstd);
void layerNormBackward(const float* x, const float* gamma, const float* mean, const float* rstd, const float* gy,
                       long rows, long n, float* gx, float* gGamma, float* gBeta);
struct AdamArgs {
  double beta1, beta2, eps, stepSize, bc2Sqrt, weightDecay, decayFactor;
};
void adam(float* param, const float* grad, float* m, float* v, long n, const AdamArgs& a);

// ---- fused recurrent layers ----------------------------------------------------------------------
struct RnnDims {
  int T, B, I, H;
  bool reverse;
};
void lstmForward(const RnnDims& p, const float* x, const float* wIh, const float* wHh, const float* bIh,
                 const float* bHh, const float* h0, const float* c0, const int32_t* lengths, float* out, float* hN,
                 float* cN, float* gates, float* cs, float* hs);
void lstmBackward(const RnnDims& p, const float* x, const float* wIh, const float* wHh, const float* h0,
                  const float* c0, const int32_t* lengths, const float* gates, const float* cs, const float* hs,
                  const float* gOut, const float* gHN, const float* gCN, float* gX, float* gWIh, float* gWHh,
                  float* gBIh, float* gBHh, float* gH0, float* gC0);
void gruForward(const RnnDims& p, const float* x, const float* wIh, const float* wHh, const float* bIh,
                const float* bHh, const float* h0, const int32_t* lengths, float* out, float* hN, float* gates,
                float* hs);
void gruBackward(const RnnDims& p, const float* x, const float* wIh, const float* wHh, const float* h0,
                 const int32_t* lengths, const float* gates, const float* hs, const float* gOut, const float* gHN,
                 float* gX, float* gWIh, float* gWHh, float* gBIh, float* gBHh, float* gH0);

// ---- fused scaled dot-product attention ---------------------------------------------------------------
struct SdpaDims {
  int bh, heads, tq, tk, d, dv;
  float scale;
  bool causal;
};
void sdpaForward(const SdpaDims& p, const float* q, const float* k, const float* v, const uint8_t* keyPadding,
                 const uint8_t* attnMask, float* out, float* weights);
/** gQ, gK, gV (each may be null) are accumulated (+=). */
void sdpaBackward(const SdpaDims& p, const float* q, const float* k, const float* v, const float* weights,
                  const float* gOut, const float* gWeights, float* gQ, float* gK, float* gV);

}  // namespace glimpse

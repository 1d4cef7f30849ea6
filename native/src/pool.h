// A small persistent thread pool: the calling thread plus (threads − 1) workers that spin briefly
// between jobs (kernel calls come in quick bursts, e.g. one per RNN step) and then sleep. Tasks
// are claimed one at a time; the caller runs whatever no worker claimed, so a worker that lost
// its core to another process (or to V8's GC threads) delays nothing but its own claimed task.
#pragma once

namespace glimpse {

using TaskFn = void (*)(void* ctx, int task);

/** Sets the number of threads kernels use (≥ 1, including the caller); restarts the workers. */
void setThreads(int n);
int threadCount();

/**
 * Runs fn(ctx, t) for t in [0, tasks), spread over the pool; returns when all are done. Runs
 * serially when called from inside a task or while another JS thread holds the pool.
 */
void parallelFor(int tasks, TaskFn fn, void* ctx);

template <class F>
void parallelFor(int tasks, const F& body) {
  parallelFor(
      tasks, [](void* ctx, int t) { (*static_cast<const F*>(ctx))(t); }, const_cast<F*>(&body));
}

/**
 * Runs body(lo, hi) over [0, n) in contiguous chunks (multiples of 64 elements), one per
 * thread, when n is large enough for the pool to pay off; else body(0, n) here.
 */
template <class F>
void parallelChunks(long n, const F& body, long minParallel = 1L << 18) {
  const int T = threadCount();
  if (T <= 1 || n < minParallel) {
    body(0L, n);
    return;
  }
  const long units = (n + 63) / 64;
  parallelFor(T, [&](int t) {
    const long lo = units * t / T * 64;
    const long hi = units * (t + 1) / T * 64;
    if (lo < n) body(lo, hi < n ? hi : n);
  });
}

}  // namespace glimpse

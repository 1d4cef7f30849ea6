#include "pool.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define GLIMPSE_PAUSE() _mm_pause()
#elif defined(__aarch64__)
#define GLIMPSE_PAUSE() __asm__ volatile("yield")
#else
#define GLIMPSE_PAUSE() ((void)0)
#endif

namespace glimpse {
namespace {

// How long an idle worker spins before it sleeps: long enough to bridge the gaps between the
// kernel calls of a training step (JavaScript runs between them; waking a sleeping worker
// costs ~40 µs on a VM, more than many kernels take), short enough to give the core back soon.
constexpr auto kSpin = std::chrono::microseconds(1000);

struct Pool {
  std::mutex busy;  // one job at a time (several JS threads may share the addon)
  std::vector<std::thread> workers;
  std::atomic<unsigned> generation{0};
  std::atomic<bool> stop{false};
  std::atomic<int> next{0};
  std::atomic<int> pending{0};
  std::atomic<int> sleepers{0};
  std::mutex sleepMutex;  // guards the sleep/wake hand-over only
  std::condition_variable wake;
  // The caller may sleep while the last workers finish (see parallelFor).
  std::atomic<bool> callerWaiting{false};
  std::mutex doneMutex;
  std::condition_variable done;
  TaskFn fn = nullptr;
  void* ctx = nullptr;
  int tasks = 0;
};

Pool& pool() {
  // Never destroyed, so no std::thread is destroyed while joinable at exit; the workers simply
  // end with the process.
  static Pool* p = new Pool();
  return *p;
}

thread_local bool insideTask = false;
int threadsWanted = 1;

void drain(Pool& p) {
  for (;;) {
    const int t = p.next.fetch_add(1, std::memory_order_relaxed);
    if (t >= p.tasks) break;
    p.fn(p.ctx, t);
  }
}

void workerLoop(Pool* p, unsigned seen) {
  insideTask = true;
  for (;;) {
    // Wait for a new generation: spin first, then sleep on the atomic.
    const auto until = std::chrono::steady_clock::now() + kSpin;
    unsigned g;
    int spins = 0;
    while ((g = p->generation.load(std::memory_order_acquire)) == seen) {
      GLIMPSE_PAUSE();
      // Past a short spin, give the core away between looks (another process may need it).
      if (++spins > 2000) std::this_thread::yield();
      if (spins % 64 == 0 && std::chrono::steady_clock::now() > until) {
        std::unique_lock<std::mutex> lock(p->sleepMutex);
        p->sleepers.fetch_add(1, std::memory_order_seq_cst);
        while (p->generation.load(std::memory_order_seq_cst) == seen) p->wake.wait(lock);
        p->sleepers.fetch_sub(1, std::memory_order_relaxed);
      }
    }
    seen = g;
    if (p->stop.load(std::memory_order_acquire)) {
      p->pending.fetch_sub(1, std::memory_order_release);
      return;
    }
    drain(*p);
    if (p->pending.fetch_sub(1, std::memory_order_seq_cst) == 1 && p->callerWaiting.load(std::memory_order_seq_cst)) {
      { std::lock_guard<std::mutex> lock(p->doneMutex); }
      p->done.notify_one();
    }
  }
}

/** Starts a new generation and wakes the workers that went to sleep (no lost wake-up: a worker
 * counts itself a sleeper before its last look at the generation, under the mutex). */
void wakeAll(Pool& p) {
  p.generation.fetch_add(1, std::memory_order_seq_cst);
  if (p.sleepers.load(std::memory_order_seq_cst) > 0) {
    { std::lock_guard<std::mutex> lock(p.sleepMutex); }
    p.wake.notify_all();
  }
}

void stopWorkers(Pool& p) {
  if (p.workers.empty()) return;
  p.stop.store(true, std::memory_order_release);
  p.pending.store(static_cast<int>(p.workers.size()), std::memory_order_relaxed);
  wakeAll(p);
  for (auto& w : p.workers) w.join();
  p.workers.clear();
  p.stop.store(false, std::memory_order_relaxed);
}

}  // namespace

void setThreads(int n) {
  if (n < 1) n = 1;
  Pool& p = pool();
  std::lock_guard<std::mutex> lock(p.busy);
  stopWorkers(p);
  threadsWanted = n;
  const unsigned g = p.generation.load();
  for (int i = 1; i < n; i++) p.workers.emplace_back(workerLoop, &p, g);
}

int threadCount() { return threadsWanted; }

void parallelFor(int tasks, TaskFn fn, void* ctx) {
  if (tasks <= 0) return;
  Pool& p = pool();
  if (tasks == 1 || insideTask || p.workers.empty()) {
    for (int t = 0; t < tasks; t++) fn(ctx, t);
    return;
  }
  std::unique_lock<std::mutex> lock(p.busy, std::try_to_lock);
  if (!lock.owns_lock()) {
    for (int t = 0; t < tasks; t++) fn(ctx, t);
    return;
  }
  p.fn = fn;
  p.ctx = ctx;
  p.tasks = tasks;
  p.next.store(0, std::memory_order_relaxed);
  p.pending.store(static_cast<int>(p.workers.size()), std::memory_order_relaxed);
  wakeAll(p);
  insideTask = true;
  drain(p);
  insideTask = false;
  // Wait for the workers: spin briefly (the usual case: they finish together), then sleep, so a
  // worker that lost its core to another process can be moved onto ours.
  for (int spins = 0; p.pending.load(std::memory_order_acquire) > 0; spins++) {
    if (spins < 4000) {
      GLIMPSE_PAUSE();
      continue;
    }
    std::unique_lock<std::mutex> lock(p.doneMutex);
    p.callerWaiting.store(true, std::memory_order_seq_cst);
    while (p.pending.load(std::memory_order_seq_cst) > 0) p.done.wait_for(lock, std::chrono::milliseconds(1));
    p.callerWaiting.store(false, std::memory_order_relaxed);
  }
}

}  // namespace glimpse

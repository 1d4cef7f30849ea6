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

/** One job: fn(ctx, t) for t < tasks. Two slots, alternating by job number (see Pool::claim). */
struct Job {
  std::atomic<TaskFn> fn{nullptr};
  std::atomic<void*> ctx{nullptr};
  std::atomic<int> tasks{0};
};

struct Pool {
  std::mutex busy;  // one job at a time (several JS threads may share the addon)
  std::vector<std::thread> workers;
  // Job number: workers wait for it to change.
  std::atomic<unsigned> generation{0};
  std::atomic<bool> stop{false};
  // (job number << 32) | next task. Tasks are claimed with a compare-exchange, so a worker that
  // wakes late (it lost its core) can never take a task of another job, and the caller never
  // waits for a worker that took none: it runs every task nobody claimed itself.
  std::atomic<uint64_t> claim{0};
  // Job j's descriptor lives in jobs[j & 1]: while claim still names job j, nothing rewrites it
  // (job j + 2 starts only after job j + 1 has been published, which moves claim on).
  Job jobs[2];
  std::atomic<int> done{0};  // tasks of the current job finished
  std::atomic<int> sleepers{0};
  std::mutex sleepMutex;  // guards the sleep/wake hand-over only
  std::condition_variable wake;
  // The caller may sleep while a worker finishes the last claimed task (see parallelFor).
  std::atomic<bool> callerWaiting{false};
  std::mutex doneMutex;
  std::condition_variable doneCv;
};

Pool& pool() {
  // Never destroyed, so no std::thread is destroyed while joinable at exit; the workers simply
  // end with the process.
  static Pool* p = new Pool();
  return *p;
}

thread_local bool insideTask = false;
int threadsWanted = 1;

/** Claims and runs tasks of the published job until none is left; returns how many it ran. */
int drain(Pool& p, bool caller) {
  int ran = 0;
  uint64_t c = p.claim.load(std::memory_order_acquire);
  for (;;) {
    const unsigned job = static_cast<unsigned>(c >> 32);
    const int index = static_cast<int>(c & 0xffffffffu);
    const Job& j = p.jobs[job & 1];
    const int tasks = j.tasks.load(std::memory_order_relaxed);
    if (index >= tasks) break;
    if (!p.claim.compare_exchange_weak(c, c + 1, std::memory_order_acq_rel, std::memory_order_acquire)) continue;
    // The claim succeeded, so job `job` is still running (its caller waits for this task).
    j.fn.load(std::memory_order_relaxed)(j.ctx.load(std::memory_order_relaxed), index);
    ran++;
    if (p.done.fetch_add(1, std::memory_order_acq_rel) + 1 == tasks && !caller &&
        p.callerWaiting.load(std::memory_order_seq_cst)) {
      { std::lock_guard<std::mutex> lock(p.doneMutex); }
      p.doneCv.notify_one();
    }
    c = p.claim.load(std::memory_order_acquire);
  }
  return ran;
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
    if (p->stop.load(std::memory_order_acquire)) return;
    drain(*p, false);
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
  // Publish: the descriptor first, then the claim word (release), then the wake-up.
  const unsigned job = static_cast<unsigned>(p.claim.load(std::memory_order_relaxed) >> 32) + 1;
  Job& j = p.jobs[job & 1];
  j.fn.store(fn, std::memory_order_relaxed);
  j.ctx.store(ctx, std::memory_order_relaxed);
  j.tasks.store(tasks, std::memory_order_relaxed);
  p.done.store(0, std::memory_order_relaxed);
  p.claim.store(static_cast<uint64_t>(job) << 32, std::memory_order_release);
  wakeAll(p);
  insideTask = true;
  drain(p, true);
  insideTask = false;
  // Wait for the tasks workers claimed: spin briefly (the usual case: they finish together),
  // then sleep, so a worker that lost its core can be moved onto ours.
  for (int spins = 0; p.done.load(std::memory_order_acquire) < tasks; spins++) {
    if (spins < 4000) {
      GLIMPSE_PAUSE();
      continue;
    }
    std::unique_lock<std::mutex> lock(p.doneMutex);
    p.callerWaiting.store(true, std::memory_order_seq_cst);
    while (p.done.load(std::memory_order_seq_cst) < tasks) p.doneCv.wait_for(lock, std::chrono::milliseconds(1));
    p.callerWaiting.store(false, std::memory_order_relaxed);
  }
}

}  // namespace glimpse

import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/core/create.js';
import type { TrainingTask } from '../../src/train/types.js';
import { MemorySink, Trainer, config, tinyLm, tinyReverse, weightsEqual } from './helpers.js';

describe('Trainer', () => {
  it('learns: validation loss falls and exact match rises on a tiny reverse task', async () => {
    const task = tinyReverse();
    const trainer = new Trainer(task, config({ epochs: 8, evalEvery: 40 }));
    const state = await trainer.run();
    const first = state.history[0]!.metrics;
    const last = state.history.at(-1)!.metrics;
    expect(last.loss!).toBeLessThan(first.loss! * 0.5);
    expect(last.exact!).toBeGreaterThan(first.exact! + 0.3);
    expect(state.stopReason).toBe('completed 8 epochs');
  });

  it('is deterministic under a seed', async () => {
    const a = await new Trainer(tinyReverse(), config({ epochs: 2 })).run();
    const b = await new Trainer(tinyReverse(), config({ epochs: 2 })).run();
    const c = await new Trainer(tinyReverse(), config({ epochs: 2, seed: 4 })).run();
    expect(b.history.map((r) => r.metrics)).toEqual(a.history.map((r) => r.metrics));
    expect(c.history.map((r) => r.metrics)).not.toEqual(a.history.map((r) => r.metrics));
  });

  for (const [name, make] of [['seq2seq', tinyReverse], ['language model (carried state)', tinyLm]] as const) {
    it(`a run resumed from a mid-epoch snapshot ends exactly like an uninterrupted one (${name})`, async () => {
      const cfg = config({ epochs: 3, evalEvery: 7 });
      const full = new Trainer(make() as TrainingTask, cfg);
      await full.run();
      // Interrupt after 11 steps (mid-epoch), then resume with freshly built objects.
      const sink = new MemorySink();
      const first = new Trainer(make() as TrainingTask, cfg);
      const run = first.run({ sink, events: { onStep: (i) => i.step === 11 && first.requestStop() } });
      expect((await run).stopReason).toBe('interrupted');
      expect(sink.last!.state.stepInEpoch).toBeGreaterThan(0);
      const resumed = new Trainer(make() as TrainingTask, cfg, sink.last);
      const end = await resumed.run();
      expect(end.step).toBe(full.state.step);
      expect(end.history.map((r) => r.metrics)).toEqual(full.state.history.map((r) => r.metrics));
      expect(weightsEqual(resumed.task.model.stateDict(), full.task.model.stateDict())).toBe(true);
    });
  }

  it('stops at the target and remembers when it got there', async () => {
    const state = await new Trainer(tinyReverse(), config({ epochs: 50, evalEvery: 20, target: 0.3 })).run();
    expect(state.reached).not.toBeNull();
    expect(state.stopReason).toMatch(/^reached exact .* \(target 0\.3\)$/);
    expect(state.history.at(-1)!.metrics.exact).toBeGreaterThanOrEqual(0.3);
  });

  it('early-stops after N evaluations without improvement, and plateau halves the rate', async () => {
    const state = await new Trainer(tinyReverse(), config({ epochs: 50, lr: 0, evalEvery: 5, earlyStopping: 3 })).run();
    expect(state.stopReason).toBe('no improvement of exact in 3 evaluations (early stopping)');
    const t = new Trainer(tinyReverse(), config({ epochs: 3, lr: 0.01, schedule: 'plateau', plateauFactor: 0.5 }));
    const s = await t.run();
    const drops = s.history.filter((r, i) => i > 0 && r.metrics.exact! <= Math.max(...s.history.slice(0, i).map((h) => h.metrics.exact!))).length;
    expect(t.lr).toBeCloseTo(0.01 * 0.5 ** drops, 10);
  });

  it('reports a NaN loss with its step and batch, and saves the weights before it with how the run ended', async () => {
    const task = tinyReverse();
    const realLoss = task.trainLoss.bind(task);
    let calls = 0;
    task.trainLoss = (b) => (++calls === 4 ? { loss: tensor(Number.NaN), tokens: 1 } : realLoss(b));
    const sink = new MemorySink();
    const trainer = new Trainer(task, config({ epochs: 1, saveEvery: 2 }));
    await expect(trainer.run({ sink })).rejects.toThrow(/^the loss is NaN at step 4 \(epoch 1, batch 4 of 20\); training stopped and the weights of step 3 were saved/);
    expect(sink.last!.state.step).toBe(3);
    expect(sink.last!.state.finished).toBe(true);
    expect(sink.last!.state.stopReason).toBe('the loss was NaN at step 4');
  });
});

import { setBackend } from './src/backend/registry.js';
import { tensor } from './src/core/create.js';
import { encodeSynthetic, makeSeq2SeqBatch, planBatches, reverseTask } from './src/data/index.js';
import { greedy } from './src/decode/index.js';
import { TransformerSeq2Seq } from './src/models/transformer-seq2seq.js';
import { Adam } from './src/optim/index.js';
import { Rng, manualSeed } from './src/util/rng.js';
setBackend(process.argv[2] ?? 'native');
manualSeed(1);
const task = reverseTask({ minLen: 2, maxLen: 6 });
const train = encodeSynthetic(task.generate(2000, 1), task);
const test = encodeSynthetic(task.generate(100, 2), task);
const ids = { pad: task.tgtVocab.id('<pad>'), bos: task.tgtVocab.id('<bos>'), eos: task.tgtVocab.id('<eos>') };
const model = new TransformerSeq2Seq({ srcVocabSize: task.srcVocab.size, tgtVocabSize: task.tgtVocab.size, dModel: 32, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 64, dropout: 0, maxLen: 16, padIndex: ids.pad }, { rng: new Rng(3) });
const opt = new Adam(model.parameters(), { lr: 3e-3 });
const toBatch = (ex: typeof train, idx: number[]) => {
  const b = makeSeq2SeqBatch(ex, idx, ids, { batchFirst: true });
  const sh = (p: typeof b.src) => tensor(p.data, { shape: [p.batchSize, p.maxLen] });
  return { batch: { src: sh(b.src), srcLengths: Array.from(b.src.lengths) }, tgtIn: sh(b.tgtIn), tgtOut: sh(b.tgtOut) };
};
const exact = () => {
  model.eval();
  const b = toBatch(test, test.map((_, i) => i));
  const hyps = greedy(model.asStepModel(), model.startState(b.batch), test.length, { start: ids.bos, end: ids.eos, maxTokens: 8 });
  model.train();
  return hyps.filter((h, i) => h.finished && h.tokens.join() === Array.from(test[i]!.tgt.subarray(0, -1)).join()).length / test.length;
};
const t0 = performance.now();
let step = 0;
const rng = new Rng(5);
while (step < 400) {
  for (const idx of planBatches(train.length, { batchSize: 32, rng })) {
    const { batch, tgtIn, tgtOut } = toBatch(train, idx);
    model.zeroGrad();
    const { loss } = model.loss(batch, tgtIn, tgtOut);
    loss.backward();
    opt.step();
    step++;
    if (step % 100 === 0) console.log(step, loss.item().toFixed(3), 'exact', exact(), ((performance.now() - t0) / 1000).toFixed(1) + 's');
    if (step >= 400) break;
  }
}

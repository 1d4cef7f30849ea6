import { describe, expect, it } from 'vitest';
import { expectClose } from '../helpers/close.js';
import { tensor } from '../../src/core/create.js';
import { gradcheck } from '../../src/core/gradcheck.js';
import { greedy } from '../../src/decode/index.js';
import { LanguageModel } from '../../src/models/lm.js';
import { argmax, crossEntropy, reshape } from '../../src/ops/index.js';
import { Rng } from '../../src/util/rng.js';
import { referencePythonAvailable, runReferencePython } from '../helpers/python.js';

interface Reference {
  state: Record<string, { shape: number[]; data: number[] }>;
  logits: number[];
  h: number[];
}

// Builds the W1 reference model (w1_lm.WordLM) at small sizes, runs it in eval mode, and returns
// its state dict, logits and final h, so glimpse can load the same weights by name and compare.
const SCRIPT = `
import torch, w1_lm
args = json.load(sys.stdin)
w1_lm.EMB, w1_lm.HID, w1_lm.LAYERS = args['E'], args['H'], args['L']
torch.manual_seed(0)
m = w1_lm.WordLM(args['V'], attn=args['attn']).eval()
ids = torch.tensor(args['ids'], dtype=torch.long)
with torch.no_grad():
    logits, (h, c) = m(ids, m.init_hidden(ids.size(1)))
state = {k: {'shape': list(v.shape), 'data': v.flatten().tolist()} for k, v in m.state_dict().items()}
print(json.dumps({'state': state, 'logits': logits.flatten().tolist(), 'h': h.flatten().tolist()}))
`;

describe('LanguageModel', () => {
  const ids = [[1, 2, 3], [4, 0, 5], [6, 7, 1], [2, 2, 9]]; // [T = 4, B = 3]

  it.runIf(referencePythonAvailable()).each([false, true])('matches the PyTorch W1 reference model (attention: %s) loaded by parameter names', (attn) => {
    const ref = runReferencePython<Reference>(SCRIPT, { V: 10, E: 6, H: 5, L: 2, attn, ids });
    const lm = new LanguageModel({ vocabSize: 10, embeddingSize: 6, hiddenSize: 5, numLayers: 2, attention: attn });
    lm.loadStateDict(Object.fromEntries(Object.entries(ref.state).map(([k, v]) => [k, tensor(Float32Array.from(v.data), { shape: v.shape })])));
    lm.eval();
    const { logits, state } = lm.forward(tensor(ids, { dtype: 'int32' }));
    expectClose(logits.data, ref.logits, { rtol: 0, atol: 1e-5, what: 'logits' });
    expectClose(state.h.data, ref.h, { rtol: 0, atol: 1e-5, what: 'h' });
  });

  it.each([['lstm', false], ['gru', false], ['lstm', true]] as const)('%s (attention %s): gradients match finite differences (float64)', (cell, attention) => {
    const lm = new LanguageModel({ vocabSize: 5, embeddingSize: 3, hiddenSize: 2, numLayers: 2, dropout: 0, cell, attention }, { dtype: 'float64', rng: new Rng(1) });
    const x = tensor([[1, 2], [3, 4], [0, 1]], { dtype: 'int32' });
    const y = tensor([[2, 3], [4, 0], [1, 2]], { dtype: 'int32' });
    const loss = () => crossEntropy(reshape(lm.forward(x).logits, [-1, 5]), reshape(y, [-1]));
    expect(gradcheck(loss, lm.parameters(), { rtol: 1e-4 })).toMatchObject({ ok: true });
  });

  it.each([false, true])('generation step by step agrees with the windowed forward (attention %s)', (attention) => {
    const lm = new LanguageModel({ vocabSize: 12, embeddingSize: 4, hiddenSize: 6, numLayers: 2, attention }, { rng: new Rng(4) });
    lm.eval();
    const prompt = [3, 7, 1];
    const [h] = greedy(lm.asStepModel(), lm.prime(prompt), 1, { start: prompt.at(-1)!, end: null, maxTokens: 5, withAttention: true });
    const seq = [...prompt, ...h!.tokens];
    const { logits } = lm.forward(tensor(seq.slice(0, -1).map((t) => [t]), { dtype: 'int32' }));
    const next = (argmax(logits, -1).toArray() as number[][]).map((r) => r[0]);
    expect(next.slice(prompt.length - 1)).toEqual(h!.tokens);
    if (attention) h!.attention!.forEach((row, i) => expect(row).toHaveLength(prompt.length + i));
  });

  it('rejects a bad config or input, naming what is wrong', () => {
    expect(() => new LanguageModel({ vocabSize: 5, tieWeights: true, embeddingSize: 4, hiddenSize: 6 })).toThrow('LanguageModel: tieWeights needs embeddingSize = hiddenSize, got 4 and 6');
    expect(() => new LanguageModel({ vocabSize: 5, cell: 'rnn' as never })).toThrow(/config.cell must be one of "gru", "lstm"/);
    const lm = new LanguageModel({ vocabSize: 5, hiddenSize: 4, embeddingSize: 4 });
    expect(() => lm.forward(tensor([1, 2], { dtype: 'int32' }))).toThrow('LanguageModel: ids must be int32 [T, B], got int32 [2]');
  });
});

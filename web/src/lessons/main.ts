/**
 * The lessons page (lessons.html): the CLI's lessons that fit a page, interactive. Lesson 1 runs
 * on the page (a few float64 ops per change); lessons 2 and 3 train their small models in a
 * worker, one after the other, as soon as the page opens. The query string may set their steps
 * and seeds (`?coref-steps=150&cv-steps=600`, as `--quick`), which fill the forms.
 */
import { describeBackend } from '../backend.js';
import { $ } from '../dom.js';
import { LessonClient } from './client.js';
import { ContextVectorLesson } from './context-vector.js';
import { ScaledDotProductLesson } from './scaled-dot-product.js';
import { SelfAttentionLesson } from './self-attention.js';

const query = new URLSearchParams(location.search);
for (const name of ['coref-steps', 'coref-seed', 'cv-steps', 'cv-seed']) {
  const v = query.get(name);
  if (v !== null && /^\d+$/.test(v)) $<HTMLInputElement>(`#${name}`).value = v;
}

const client = new LessonClient((r) => {
  $('#backend-line').textContent = `Kernels: ${describeBackend(r)}`;
  document.body.dataset.backend = r.backend;
});
const sdp = new ScaledDotProductLesson();
const selfAttention = new SelfAttentionLesson(client, (t) => sdp.setModel(t.part1));
const contextVector = new ContextVectorLesson(client);

// The worker answers in order: the toy model (seconds) first, then the reversal model.
void selfAttention.train();
void contextVector.train();

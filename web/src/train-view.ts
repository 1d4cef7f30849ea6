/**
 * "Train in your browser": starts, pauses and resets the training worker, shows its progress,
 * and redraws the attention of the watched input as the model learns.
 */
import type { BackendReport } from './backend.js';
import { Heatmap } from './heatmap.js';
import { ProgressChart } from './progress-chart.js';
import type { TrainEvent, TrainRequest, TrainSetup } from './protocol.js';
import { $ } from './dom.js';

const LETTERS = /^[a-z]{4,14}$/;

export function startTrainView(onBackend: (r: BackendReport) => void): void {
  const worker = new Worker(new URL('./train.worker.ts', import.meta.url), { type: 'module', name: 'glimpse-train' });
  const send = (m: TrainRequest) => worker.postMessage(m);
  const input = $<HTMLInputElement>('#train-input');
  const start = $<HTMLButtonElement>('#train-start');
  const reset = $<HTMLButtonElement>('#train-reset');
  const status = $('#train-status');
  const heatmap = new Heatmap($('#train-heatmap'));
  let chart: ProgressChart | null = null;
  let setup: TrainSetup | null = null;
  let state: 'loading' | 'idle' | 'running' | 'paused' | 'done' = 'loading';
  let step = 0;
  let lastSpeed = { step: 0, seconds: 0 };

  const stat = (id: string, text: string) => ($(`#stat-${id}`).textContent = text);

  const watchedText = (): string | null => {
    const v = input.value.trim().toLowerCase();
    const ok = LETTERS.test(v);
    input.setAttribute('aria-invalid', String(!ok));
    return ok ? v : null;
  };

  const render = () => {
    start.disabled = state === 'loading' || state === 'done';
    reset.disabled = state === 'loading';
    start.textContent = state === 'running' ? 'Pause' : state === 'paused' ? 'Continue training' : 'Start training';
    start.classList.toggle('running', state === 'running');
    document.body.dataset.training = state;
  };

  $('#train-form').addEventListener('submit', (e) => {
    e.preventDefault();
    if (state === 'running') {
      send({ type: 'pause' });
      status.textContent = 'Pausing…';
      return;
    }
    const text = watchedText();
    if (!text) {
      status.textContent = 'The input to watch must be 4–14 letters a–z.';
      input.focus();
      return;
    }
    send({ type: 'start', input: text });
  });
  reset.addEventListener('click', () => {
    send({ type: 'reset' });
    chart?.clear();
    step = 0;
    lastSpeed = { step: 0, seconds: 0 };
    for (const id of ['loss', 'exact', 'speed']) stat(id, '–');
    stat('step', '0');
  });
  input.addEventListener('input', () => {
    const text = watchedText();
    $('#train-io-input').textContent = input.value.trim().toLowerCase();
    if (text) send({ type: 'watch', input: text });
  });

  worker.addEventListener('message', (event: MessageEvent<TrainEvent>) => {
    const e = event.data;
    switch (e.type) {
      case 'ready':
        setup = e.setup;
        chart = new ProgressChart($('#train-chart'), setup.maxSteps);
        $('#valid-size').textContent = String(setup.validSize);
        onBackend(e.backend);
        break;
      case 'progress': {
        step = e.step;
        stat('step', step.toLocaleString('en-US'));
        stat('loss', e.loss.toFixed(3));
        chart?.addLoss(e.step, e.loss);
        const dt = e.trainSeconds - lastSpeed.seconds;
        if (dt > 0.5) {
          stat('speed', ((e.step - lastSpeed.step) / dt).toFixed(0));
          lastSpeed = { step: e.step, seconds: e.trainSeconds };
        }
        break;
      }
      case 'eval':
        stat('exact', `${(e.exact * 100).toFixed(1)} %`);
        chart?.addExact(e.step, e.exact);
        break;
      case 'attention':
        $('#train-io-input').textContent = e.input;
        $('#train-io-output').textContent = e.output || '∅';
        $('#train-io-verdict').textContent = e.step === 0 ? '' : e.correct ? '✓ reversed' : '✗ not yet';
        $('#train-io-verdict').className = `verdict ${e.step === 0 ? '' : e.correct ? 'good' : 'bad'}`;
        void heatmap.show(e.picture, {
          title: `Attention while reversing "${e.input}"`,
          subtitle: e.step === 0 ? 'untrained model' : `after ${e.step.toLocaleString('en-US')} training steps`,
          rowTitle: 'output', colTitle: 'input',
        });
        break;
      case 'state':
        state = e.state;
        status.classList.remove('error');
        if (e.state === 'idle') {
          status.textContent = setup
            ? `Ready: ${setup.parameters.toLocaleString('en-US')} parameters, ${setup.trainSize.toLocaleString('en-US')} training strings of ${setup.minLen}–${setup.maxLen} letters, batches of ${setup.batchSize}.`
            : 'Ready.';
        } else if (e.state === 'running') {
          status.textContent = 'Training…';
        } else if (e.state === 'paused') {
          status.textContent = `Paused at step ${step.toLocaleString('en-US')}.`;
        } else {
          status.textContent = `Finished: ${friendlyReason(e.reason ?? '', setup)} Reset to train a new model.`;
        }
        render();
        break;
      case 'error':
        status.textContent = `Training failed: ${e.message}`;
        status.classList.add('error');
        state = 'idle';
        render();
        break;
    }
  });
  worker.addEventListener('error', (e) => {
    status.textContent = `The training worker failed to start: ${e.message || 'see the browser console'}`;
    status.classList.add('error');
  });
  render();
}

function friendlyReason(reason: string, setup: TrainSetup | null): string {
  const reached = /^reached exact ([\d.]+)/.exec(reason);
  if (reached) return `the model reverses ${(Number(reached[1]) * 100).toFixed(1)} % of the held-out strings exactly (target ${((setup?.target ?? 1) * 100).toFixed(0)} %).`;
  if (reason.startsWith('reached maxSteps')) return `the step limit (${setup?.maxSteps.toLocaleString('en-US')}) was reached.`;
  return `${reason}.`;
}

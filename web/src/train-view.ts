/**
 * "Train in your browser": the choice of task and model (every synthetic task with every
 * seq2seq architecture and attention kind, or a language model of a text the user gives),
 * starts, pauses and resets the training worker, shows its progress, and redraws the watched
 * input's output and attention as the model learns.
 */
import { data, train } from 'glimpse';
import type { BackendReport } from './backend.js';
import { $ } from './dom.js';
import { Heatmap } from './heatmap.js';
import { checkSize, checkText } from './lm-text.js';
import { ProgressChart } from './progress-chart.js';
import type { TrainEvent, TrainRequest, TrainSetup } from './protocol.js';
import {
  DEFAULT_MODEL, LM_TASK, type ModelOption, STEP_LIMITS, SYNTHETIC, type TrainChoice, defaultSteps, lmModelOptions,
  normalizeWatch, seq2seqModelGroups, watchProblem,
} from './train-presets.js';

type ViewState = 'loading' | 'unavailable' | 'idle' | 'running' | 'paused' | 'done';

const count = (n: number) => n.toLocaleString('en-US');

function option(o: ModelOption): HTMLOptionElement {
  const e = document.createElement('option');
  e.value = o.value;
  e.textContent = o.label;
  e.title = o.title;
  return e;
}

/** A synthetic task's summary without its reference: "reverse a string of letters". */
const taskSummary = (task: string): string | null => data.SYNTHETIC_TASKS[task as data.SyntheticTaskName]?.summary.replace(/\s*\(.*\)$/, '') ?? null;

/** The task list: the synthetic tasks, then the language model. */
function fillTasks(select: HTMLSelectElement): void {
  select.replaceChildren(
    ...SYNTHETIC.map((n) => option({ value: n, label: `${n}: ${taskSummary(n)}`, title: train.TASKS[n].summary })),
    option({ value: LM_TASK, label: 'language model of a text you give', title: train.TASKS[LM_TASK].summary }),
  );
}

function fillModels(select: HTMLSelectElement, task: string): void {
  if (task === LM_TASK) {
    select.replaceChildren(...lmModelOptions().map(option));
    select.value = DEFAULT_MODEL.lm;
    return;
  }
  select.replaceChildren(...seq2seqModelGroups().map((g) => {
    const group = document.createElement('optgroup');
    group.label = g.label;
    group.append(...g.options.map(option));
    return group;
  }));
  select.value = DEFAULT_MODEL.seq2seq;
}

export function startTrainView(onBackend: (r: BackendReport) => void): void {
  const worker = new Worker(new URL('./train.worker.ts', import.meta.url), { type: 'module', name: 'glimpse-train' });
  const send = (m: TrainRequest) => worker.postMessage(m);
  const taskSelect = $<HTMLSelectElement>('#train-task');
  const modelSelect = $<HTMLSelectElement>('#train-model');
  const stepsInput = $<HTMLInputElement>('#train-steps');
  const levelSelect = $<HTMLSelectElement>('#train-level');
  const textStatus = $('#train-text-status');
  const input = $<HTMLInputElement>('#train-input');
  const start = $<HTMLButtonElement>('#train-start');
  const reset = $<HTMLButtonElement>('#train-reset');
  const status = $('#train-status');
  const heatmap = new Heatmap($('#train-heatmap'));
  let chart: ProgressChart | null = null;
  let setup: TrainSetup | null = null;
  let state: ViewState = 'loading';
  let step = 0;
  let lastSpeed = { step: 0, seconds: 0 };
  /** The language model's text, once the user gave one that passed the checks. */
  let text: { name: string; content: string } | null = null;
  /** Counts the texts given, so the same file given again is a new model. */
  let textVersion = 0;
  /** The choice the worker built last (a key), so choosing it again does nothing. */
  let configured = '';

  const stat = (id: string, value: string) => ($(`#stat-${id}`).textContent = value);
  const isLm = () => taskSelect.value === LM_TASK;

  fillTasks(taskSelect);
  fillModels(modelSelect, taskSelect.value);
  levelSelect.replaceChildren(...data.TEXT_LEVEL_NAMES.map((l) => option({ value: l, label: `${l}s`, title: `one token per ${l}` })));
  levelSelect.value = 'char';
  stepsInput.min = String(STEP_LIMITS.min);
  stepsInput.max = String(STEP_LIMITS.max);
  stepsInput.value = String(defaultSteps(taskSelect.value, modelSelect.value));

  const watchedText = (): string | null => {
    if (!setup) return null;
    const v = normalizeWatch(setup.input, input.value);
    const problem = watchProblem(setup.input, v);
    input.setAttribute('aria-invalid', String(problem !== null));
    return problem ? null : v;
  };

  const render = () => {
    const busy = state === 'loading' || state === 'unavailable';
    start.disabled = busy || state === 'done';
    reset.disabled = busy;
    start.textContent = state === 'running' ? 'Pause' : state === 'paused' ? 'Continue training' : 'Start training';
    start.classList.toggle('running', state === 'running');
    // The choices make a new model: not while one trains (pause first).
    for (const e of [taskSelect, modelSelect, stepsInput, levelSelect, $<HTMLInputElement>('#train-file'), $<HTMLButtonElement>('#train-sample')]) {
      e.disabled = state === 'running';
    }
    $('#train-lm').hidden = !isLm();
    document.body.dataset.training = state;
  };

  const clearProgress = () => {
    chart?.clear();
    step = 0;
    lastSpeed = { step: 0, seconds: 0 };
    for (const id of ['loss', 'exact', 'speed']) stat(id, '–');
    stat('step', '0');
  };

  /** Asks the worker for a fresh model of the current choice (a language model only once it has a text). */
  const configure = () => {
    if (isLm() && !text) {
      configured = '';
      clearProgress();
      setup = null;
      state = 'unavailable';
      status.classList.remove('error');
      status.textContent = 'Drop a text file on the box above, choose one, or use the sample, to train a language model.';
      heatmap.message('No text yet.');
      render();
      return;
    }
    const steps = Math.round(Number(stepsInput.value));
    if (!Number.isFinite(steps) || steps < STEP_LIMITS.min || steps > STEP_LIMITS.max) {
      stepsInput.setAttribute('aria-invalid', 'true');
      state = 'unavailable';
      status.classList.add('error');
      status.textContent = `The step limit must be a whole number from ${count(STEP_LIMITS.min)} to ${count(STEP_LIMITS.max)}.`;
      render();
      return;
    }
    stepsInput.setAttribute('aria-invalid', 'false');
    const choice: TrainChoice = { task: taskSelect.value, model: modelSelect.value, maxSteps: steps };
    if (isLm() && text) choice.text = { ...text, level: levelSelect.value };
    // The same choice again (a select re-chosen, a field left unchanged) keeps the model.
    const key = JSON.stringify([choice.task, choice.model, choice.maxSteps, isLm() ? [textVersion, levelSelect.value] : null]);
    if (key === configured && state !== 'unavailable') return;
    configured = key;
    clearProgress();
    setup = null;
    state = 'loading';
    status.classList.remove('error');
    status.textContent = 'Building the model…';
    render();
    send({ type: 'configure', choice });
  };

  taskSelect.addEventListener('change', () => {
    fillModels(modelSelect, taskSelect.value);
    stepsInput.value = String(defaultSteps(taskSelect.value, modelSelect.value));
    configure();
  });
  modelSelect.addEventListener('change', () => {
    stepsInput.value = String(defaultSteps(taskSelect.value, modelSelect.value));
    configure();
  });
  stepsInput.addEventListener('change', configure);
  levelSelect.addEventListener('change', () => {
    if (text) configure();
  });

  /** Reads, checks and uses a text file; a bad one gets one line saying what was expected. */
  const useFile = async (file: File) => {
    const refused = checkSize(file.name, file.size);
    const checked = refused ? { ok: false as const, message: refused } : checkText(file.name, new Uint8Array(await file.arrayBuffer()));
    if (!checked.ok) {
      textStatus.textContent = checked.message;
      textStatus.classList.add('error');
      return;
    }
    useText(file.name, checked.text);
  };
  const useText = (name: string, content: string) => {
    text = { name, content };
    textVersion++;
    textStatus.classList.remove('error');
    textStatus.textContent = `${name}: ${count([...content].length)} characters in ${count(content.split('\n').length)} lines.`;
    configure();
  };
  const fileInput = $<HTMLInputElement>('#train-file');
  fileInput.addEventListener('change', () => {
    const file = fileInput.files?.[0];
    fileInput.value = '';
    if (file) void useFile(file);
  });
  $('#train-sample').addEventListener('click', () => {
    void import('./sample-text.js').then((m) => useText(m.SAMPLE_NAME, m.SAMPLE_TEXT));
  });
  const zone = $('#train-drop');
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    const files = e.dataTransfer?.files;
    if (state === 'running') return;
    if (!files || files.length !== 1) {
      textStatus.textContent = `Dropped ${files?.length ?? 0} files: expected one plain-text file.`;
      textStatus.classList.add('error');
      return;
    }
    void useFile(files[0]!);
  });

  $('#train-form').addEventListener('submit', (e) => {
    e.preventDefault();
    if (state === 'running') {
      send({ type: 'pause' });
      status.textContent = 'Pausing…';
      return;
    }
    if (!setup) return;
    const watched = watchedText();
    if (watched === null) {
      status.textContent = watchProblem(setup.input, normalizeWatch(setup.input, input.value));
      input.focus();
      return;
    }
    send({ type: 'start', input: watched });
  });
  reset.addEventListener('click', () => {
    send({ type: 'reset' });
    clearProgress();
  });
  input.addEventListener('input', () => {
    const watched = watchedText();
    if (setup) $('#train-io-input').textContent = normalizeWatch(setup.input, input.value);
    if (watched !== null) send({ type: 'watch', input: watched });
  });

  const showSetup = (s: TrainSetup) => {
    setup = s;
    chart = new ProgressChart($('#train-chart'), s.maxSteps);
    const lm = s.family === 'lm';
    $('#train-title').textContent = lm ? 'Learn to write like a text' : `Learn to ${taskSummary(s.task) ?? s.task}`;
    $('#train-model-line').textContent = `${s.model}; ${count(s.parameters)} parameters.`;
    $('#train-eval-key').textContent = s.evaluation;
    $('#train-eval-key').hidden = lm;
    $('#stat-eval-label').textContent = lm ? 'valid ppl' : 'exact';
    $('#stat-eval-label').title = s.evaluation;
    $('#train-input-label').textContent = s.input.label;
    $('#train-input-hint').textContent = s.input.hint;
    input.maxLength = s.input.maxLength;
    input.value = s.input.watched;
    input.setAttribute('aria-invalid', 'false');
    $('#train-io-label-in').textContent = lm ? 'prompt' : 'input';
    $('#train-io-label-out').textContent = lm ? 'continuation' : 'output';
    $('#train-io-input').textContent = s.input.watched;
    $('#train-io-output').textContent = '…';
    $('#train-io-verdict').textContent = '';
  };

  worker.addEventListener('message', (event: MessageEvent<TrainEvent>) => {
    const e = event.data;
    switch (e.type) {
      case 'ready':
        onBackend(e.backend);
        break;
      case 'setup':
        showSetup(e.setup);
        break;
      case 'progress': {
        step = e.step;
        stat('step', count(step));
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
        if (setup?.family === 'lm') {
          stat('exact', e.ppl.toFixed(2));
        } else {
          stat('exact', `${(e.exact * 100).toFixed(1)} %`);
          chart?.addExact(e.step, e.exact);
        }
        break;
      case 'attention': {
        const lm = setup?.family === 'lm';
        input.setAttribute('aria-invalid', 'false');
        $('#train-io-input').textContent = e.input;
        $('#train-io-output').textContent = e.output || '∅';
        const verdict = $('#train-io-verdict');
        const judged = e.step !== 0 && e.correct !== null;
        verdict.textContent = judged ? (e.correct ? '✓ right' : '✗ not yet') : '';
        verdict.className = `verdict ${judged ? (e.correct ? 'good' : 'bad') : ''}`;
        const subtitle = e.step === 0 ? 'untrained model' : `after ${count(e.step)} training steps`;
        if (e.picture) {
          void heatmap.show(e.picture, {
            title: lm ? `Attention while continuing "${e.input}"` : `Attention of the ${setup?.task ?? ''} model on "${e.input}"`,
            subtitle, rowTitle: lm ? 'generated' : 'output', colTitle: lm ? 'context' : 'input',
          });
        } else {
          heatmap.message(`This model has no attention to show (${subtitle}): choose one with attention to see where it looks.`);
        }
        break;
      }
      case 'watch-error':
        input.setAttribute('aria-invalid', 'true');
        $('#train-io-output').textContent = '…';
        status.textContent = e.message;
        break;
      case 'state':
        state = e.state;
        status.classList.remove('error');
        if (e.state === 'idle') {
          status.textContent = setup ? `Ready: ${count(setup.parameters)} parameters, ${setup.data}.` : 'Ready.';
        } else if (e.state === 'running') {
          status.textContent = 'Training…';
        } else if (e.state === 'paused') {
          status.textContent = `Paused at step ${count(step)}.`;
        } else {
          status.textContent = `Finished: ${friendlyReason(e.reason ?? '', setup)} Reset to train a new model.`;
        }
        render();
        break;
      case 'error':
        status.textContent = e.during === 'setup' ? `Could not build the model: ${e.message}` : `Training failed: ${e.message}`;
        status.classList.add('error');
        state = e.during === 'setup' ? 'unavailable' : 'idle';
        render();
        break;
    }
  });
  worker.addEventListener('error', (e) => {
    status.textContent = `The training worker failed to start: ${e.message || 'see the browser console'}`;
    status.classList.add('error');
  });
  // The worker watches the field's first value until the user types another.
  send({ type: 'watch', input: input.value.trim().toLowerCase() });
  configure();
}

function friendlyReason(reason: string, setup: TrainSetup | null): string {
  const reached = /^reached exact ([\d.]+)/.exec(reason);
  if (reached) return `the model gets ${(Number(reached[1]) * 100).toFixed(1)} % right: ${setup?.evaluation ?? 'exact match'} (target ${((setup?.target ?? 1) * 100).toFixed(0)} %).`;
  if (reason.startsWith('reached maxSteps')) return `the step limit (${count(setup?.maxSteps ?? 0)}) was reached.`;
  return `${reason}.`;
}

/**
 * The glimpse page: two views behind tabs. The training view starts at once (its worker loads
 * the kernels); the explore view's worker starts the first time that view is opened.
 */
import { type BackendReport, describeBackend } from './backend.js';
import { $ } from './dom.js';
import { type ExploreHandle, startExploreView } from './explore-view.js';
import { fetchSiteRun, siteRun } from './site-run.js';
import { startTrainView } from './train-view.js';

const VIEWS = ['train', 'explore'] as const;
type View = (typeof VIEWS)[number];

let reported = false;
function showBackend(r: BackendReport): void {
  if (reported) return;
  reported = true;
  $('#backend-line').textContent = `Kernels: ${describeBackend(r)}`;
  document.body.dataset.backend = r.backend;
  document.body.dataset.threads = String(r.threads);
}

let explore: ExploreHandle | null = null;
function select(view: View, focus = false): void {
  for (const v of VIEWS) {
    const tab = $<HTMLButtonElement>(`#tab-${v}`);
    const on = v === view;
    tab.setAttribute('aria-selected', String(on));
    tab.tabIndex = on ? 0 : -1;
    $(`#view-${v}`).hidden = !on;
    if (on && focus) tab.focus();
  }
  if (view === 'explore' && !explore) explore = startExploreView(showBackend);
  if (location.hash !== `#${view}`) history.replaceState(null, '', `#${view}`);
}

for (const v of VIEWS) $(`#tab-${v}`).addEventListener('click', () => select(v));
// Arrow keys move between tabs (the WAI-ARIA tabs pattern).
$('.tabs').addEventListener('keydown', (e) => {
  const current = VIEWS.findIndex((v) => $(`#tab-${v}`).getAttribute('aria-selected') === 'true');
  const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
  if (step === 0) return;
  e.preventDefault();
  select(VIEWS[(current + step + VIEWS.length) % VIEWS.length]!, true);
});

// A file dropped outside the drop zone would make the browser leave the page to show it.
for (const type of ['dragover', 'drop'] as const) window.addEventListener(type, (e) => e.preventDefault());

const fromHash = (): View => (location.hash === '#explore' ? 'explore' : 'train');
window.addEventListener('hashchange', () => select(fromHash()));

startTrainView(showBackend);
openOnSiteRun();

/** A page written by `glimpse explore` opens on the run it holds; the plain page on the view its address names. */
function openOnSiteRun(): void {
  let held: ReturnType<typeof siteRun>;
  try {
    held = siteRun();
  } catch (e) {
    select('explore');
    explore?.say((e as Error).message, true);
    return;
  }
  if (!held) {
    select(fromHash());
    return;
  }
  select('explore');
  const view = explore!;
  view.say(`Loading ${held.name} from this site…`);
  void fetchSiteRun(held).then((picked) => view.pick(picked), (e: Error) => view.say(`Could not load ${held.name}: ${e.message}`, true));
}

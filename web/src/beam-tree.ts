/**
 * Beam search as a tree: every step's kept hypotheses as nodes (token, Σ log p so far), each
 * under the hypothesis it extends; finished ones (`<eos>`) marked with their score, the best
 * final one marked "best", and branches the search dropped dimmed (collapsed at first). A
 * keyboard tree after the WAI-ARIA pattern: one tab stop, ↑/↓ move, → opens (or goes to the
 * first child), ← closes (or goes to the parent), Home/End, Enter or Space chooses a node,
 * whose partial hypothesis the page then draws.
 */
import type { BeamTreeNode } from './protocol.js';
import { visible } from './step-view.js';

/** A node, and the path from the first step to it. */
export type ChooseNode = (node: BeamTreeNode, path: BeamTreeNode[]) => void;

export class BeamTreeView {
  /** What to put on the page (heading, hint and tree). */
  readonly element: HTMLElement;
  private readonly tree: HTMLUListElement;
  private readonly items: HTMLLIElement[] = [];

  constructor(private readonly nodes: readonly BeamTreeNode[], beam: number, private readonly onChoose: ChooseNode) {
    const children = nodes.map(() => [] as number[]);
    const roots: number[] = [];
    nodes.forEach((n, i) => (n.parent < 0 ? roots : children[n.parent]!).push(i));
    // Kept: a final hypothesis (finished, or cut at the length limit) lies in its subtree; else pruned.
    const kept = nodes.map((n) => n.score !== null);
    for (let i = nodes.length - 1; i >= 0; i--) if (kept[i] && nodes[i]!.parent >= 0) kept[nodes[i]!.parent] = true;
    let best = -1;
    nodes.forEach((n, i) => {
      if (n.score !== null && (best < 0 || n.score > nodes[best]!.score!)) best = i;
    });
    const onBest = new Set<number>();
    for (let i = best; i >= 0; i = nodes[i]!.parent) onBest.add(i);

    this.element = document.createElement('div');
    const title = document.createElement('h3');
    title.id = 'beam-tree-title';
    title.textContent = 'The search as a tree';
    const hint = document.createElement('p');
    hint.className = 'hint';
    hint.textContent = `Each step's ${beam} kept hypotheses under the one they extend, with Σ log p so far; branches the search dropped are dimmed. Choose a node (Enter) to see its attention; ←/→ close and open.`;
    this.tree = document.createElement('ul');
    this.tree.className = 'beam-tree';
    this.tree.setAttribute('role', 'tree');
    this.tree.setAttribute('aria-labelledby', 'beam-tree-title');
    const build = (i: number, level: number): HTMLLIElement => {
      const n = nodes[i]!;
      const li = document.createElement('li');
      li.setAttribute('role', 'treeitem');
      li.setAttribute('aria-level', String(level));
      li.setAttribute('aria-selected', 'false');
      li.tabIndex = -1;
      li.dataset.node = String(i);
      li.dataset.step = String(n.step);
      li.dataset.token = n.token;
      li.classList.toggle('finished', n.finished);
      li.classList.toggle('final', n.score !== null);
      li.classList.toggle('pruned', !kept[i]);
      li.classList.toggle('on-best', onBest.has(i));
      li.classList.toggle('best', i === best);
      const row = span('beam-node', '');
      row.append(span('twisty', children[i]!.length ? '▸' : ''), span('token', visible(n.token)), span('score', n.logProb.toFixed(3)));
      if (n.score !== null) row.append(span('final-score', `${n.finished ? 'score' : 'cut, score'} ${n.score.toFixed(3)}`));
      if (i === best) row.append(span('best-mark', 'best'));
      li.append(row);
      li.setAttribute('aria-label', [
        n.token, `log p ${n.logProb.toFixed(3)}`, ...(n.score !== null ? [`${n.finished ? 'finished' : 'cut at the length limit'}, score ${n.score.toFixed(3)}`] : []),
        ...(kept[i] ? [] : ['pruned']), ...(i === best ? ['best'] : []),
      ].join(', '));
      this.items[i] = li;
      if (children[i]!.length) {
        const group = document.createElement('ul');
        group.setAttribute('role', 'group');
        group.append(...children[i]!.map((c) => build(c, level + 1)));
        li.append(group);
        this.setExpanded(li, kept[i]!);
      }
      return li;
    };
    this.tree.append(...roots.map((r) => build(r, 1)));
    const first = this.items[roots[0] ?? -1];
    if (first) first.tabIndex = 0;
    this.tree.addEventListener('click', (e) => {
      const li = (e.target as Element).closest<HTMLLIElement>('li[role=treeitem]');
      if (!li) return;
      if ((e.target as Element).classList.contains('twisty')) this.toggle(li);
      else this.choose(li);
      this.focus(li);
    });
    this.tree.addEventListener('keydown', (e) => this.key(e));
    this.element.append(title, hint, this.tree);
  }

  /** Chooses node `i` (as a click would), or none. */
  select(i: number | null): void {
    for (const li of this.items) li?.setAttribute('aria-selected', 'false');
    if (i === null) return;
    const li = this.items[i];
    if (li) this.choose(li);
  }

  private choose(li: HTMLLIElement): void {
    for (const other of this.items) other?.setAttribute('aria-selected', String(other === li));
    const i = Number(li.dataset.node);
    const path: BeamTreeNode[] = [];
    for (let k = i; k >= 0; k = this.nodes[k]!.parent) path.unshift(this.nodes[k]!);
    this.onChoose(this.nodes[i]!, path);
  }

  private setExpanded(li: HTMLLIElement, open: boolean): void {
    const group = li.querySelector<HTMLElement>(':scope > ul[role=group]');
    if (!group) return;
    li.setAttribute('aria-expanded', String(open));
    group.hidden = !open;
    li.querySelector(':scope > .beam-node > .twisty')!.textContent = open ? '▾' : '▸';
  }

  private toggle(li: HTMLLIElement): void {
    if (li.hasAttribute('aria-expanded')) this.setExpanded(li, li.getAttribute('aria-expanded') !== 'true');
  }

  private focus(li: HTMLLIElement): void {
    for (const other of this.items) if (other) other.tabIndex = other === li ? 0 : -1;
    li.focus();
  }

  /** Items not inside a closed group, in document order. */
  private visibleItems(): HTMLLIElement[] {
    return [...this.tree.querySelectorAll<HTMLLIElement>('li[role=treeitem]')].filter((li) => !li.parentElement!.closest('ul[role=group][hidden]'));
  }

  private key(e: KeyboardEvent): void {
    const li = (e.target as Element).closest<HTMLLIElement>('li[role=treeitem]');
    if (!li) return;
    const shown = this.visibleItems();
    const at = shown.indexOf(li);
    const expanded = li.getAttribute('aria-expanded');
    const parent = li.parentElement!.closest<HTMLLIElement>('li[role=treeitem]');
    let to: HTMLLIElement | null | undefined = null;
    switch (e.key) {
      case 'ArrowDown': to = shown[at + 1]; break;
      case 'ArrowUp': to = shown[at - 1]; break;
      case 'Home': to = shown[0]; break;
      case 'End': to = shown[shown.length - 1]; break;
      case 'ArrowRight':
        if (expanded === 'false') this.setExpanded(li, true);
        else if (expanded === 'true') to = li.querySelector<HTMLLIElement>(':scope > ul > li');
        break;
      case 'ArrowLeft':
        if (expanded === 'true') this.setExpanded(li, false);
        else to = parent;
        break;
      case 'Enter':
      case ' ':
        this.choose(li);
        break;
      default:
        return;
    }
    e.preventDefault();
    if (to) this.focus(to);
  }
}

function span(className: string, content: string): HTMLSpanElement {
  const e = document.createElement('span');
  e.className = className;
  e.textContent = content;
  return e;
}

/**
 * Small matrices as HTML tables, each cell tinted by its value (a table that is its own heatmap
 * and its own text alternative): weights in [0, 1] in blues, other numbers blue when positive and
 * orange when negative, relative to the largest magnitude. A matrix may be editable: each cell
 * is then a number input, labelled with its row and column.
 */
import { viz } from 'glimpse';

export interface MatrixLook {
  /** The caption: what the matrix is. */
  caption: string;
  rowLabels: readonly string[];
  colLabels: readonly string[];
  /** The header cell over the row labels. */
  corner?: string;
  digits?: number;
  /** 'weights': values in [0, 1]; 'signed': any numbers; 'none': no tint. */
  tint?: 'weights' | 'signed' | 'none';
  /** A class for the table (tests find tables by it). */
  name: string;
}

/** A read-only matrix; each value cell holds its number in full in `data-value`. */
export function matrixTable(values: readonly (readonly number[])[], look: MatrixLook): HTMLTableElement {
  return build(values, look, (td, v) => {
    td.textContent = fixed(v, look.digits ?? 3);
  });
}

/** An editable matrix: a number input per cell; `onChange(i, j, v)` when one changes to a number. */
export function editableMatrix(values: readonly (readonly number[])[], look: MatrixLook, onChange: (i: number, j: number, v: number) => void): HTMLTableElement {
  return build(values, look, (td, v, i, j) => {
    const input = document.createElement('input');
    input.type = 'number';
    input.step = '0.1';
    input.value = String(v);
    input.dataset.row = String(i);
    input.dataset.col = String(j);
    input.setAttribute('aria-label', `${look.caption}, row ${look.rowLabels[i]}, column ${look.colLabels[j]}`);
    input.addEventListener('input', () => {
      const x = input.valueAsNumber;
      input.setAttribute('aria-invalid', String(!Number.isFinite(x)));
      if (Number.isFinite(x)) onChange(i, j, x);
    });
    td.append(input);
  });
}

function build(values: readonly (readonly number[])[], look: MatrixLook, fill: (td: HTMLTableCellElement, v: number, i: number, j: number) => void): HTMLTableElement {
  const table = document.createElement('table');
  table.className = `matrix ${look.name}`;
  table.createCaption().textContent = look.caption;
  const head = table.createTHead().insertRow();
  const corner = document.createElement('th');
  corner.textContent = look.corner ?? '';
  head.append(corner);
  for (const c of look.colLabels) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = c;
    head.append(th);
  }
  const body = table.createTBody();
  const tint = look.tint ?? 'signed';
  const scale = Math.max(1e-12, ...values.flat().map(Math.abs));
  values.forEach((row, i) => {
    const tr = body.insertRow();
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = look.rowLabels[i] ?? String(i + 1);
    tr.append(th);
    row.forEach((v, j) => {
      const td = tr.insertCell();
      td.dataset.value = String(v);
      if (tint !== 'none') paint(td, tint === 'weights' ? v : v / scale, tint);
      fill(td, v, i, j);
    });
  });
  return table;
}

function paint(td: HTMLTableCellElement, t: number, tint: 'weights' | 'signed'): void {
  const strength = Math.min(1, Math.abs(t)) * (tint === 'weights' ? 0.85 : 0.6);
  const [r, g, b] = viz.schemeRgb(tint === 'signed' && t < 0 ? 'oranges' : 'blues', strength);
  td.style.background = `rgb(${r},${g},${b})`;
  if (strength > 0.55) td.classList.add('dark');
}

/** A number to `digits` decimals, without a "-0" (as the CLI lessons print them). */
export function fixed(v: number, digits = 3): string {
  const s = v.toFixed(digits);
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s;
}

/** A section's status line. */
export function say(el: HTMLElement, text: string, error = false): void {
  el.textContent = text;
  el.classList.toggle('error', error);
}

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The mechanism pages of docs/lessons/ point into the sources instead of copying them, so these
// checks are what keeps a page from going stale: a renamed file, a range that moved past the
// end of a file, an excerpt that no longer equals its lines, a picture without its command.
const DIR = resolve('docs/lessons');
const TOPICS = [
  'lstm', 'gru', 'bahdanau', 'luong', 'scaled-dot-product', 'self-attention', 'multi-head',
  'cross-attention', 'positional-encoding', 'seq2seq-teacher-forcing', 'bottleneck',
];
/** The most lines a page may send a learner to read at once. */
const MAX_LINES = 60;

const pages = readdirSync(DIR).filter((f) => f.endsWith('.md')).sort();
const read = (page: string): string => readFileSync(join(DIR, page), 'utf8');

/** Markdown links and images [text](target) outside fenced code, with the line they are on. */
function links(text: string): { target: string; image: boolean; line: number }[] {
  const out: { target: string; image: boolean; line: number }[] = [];
  let fenced = false;
  text.split('\n').forEach((line, i) => {
    if (line.startsWith('```')) fenced = !fenced;
    if (fenced) return;
    for (const m of line.matchAll(/(!?)\[[^\]]*\]\(([^)\s]+)\)/g)) out.push({ target: m[2]!, image: m[1] === '!', line: i });
  });
  return out;
}

/** A relative link's file (from the page's folder) and its #La-Lb range, if any. */
function resolveLink(page: string, target: string): { file: string; range: [number, number] | null } {
  const [path, anchor] = target.split('#') as [string, string | undefined];
  const m = anchor?.match(/^L(\d+)(?:-L(\d+))?$/);
  return { file: resolve(dirname(join(DIR, page)), path), range: m ? [Number(m[1]), Number(m[2] ?? m[1])] : null };
}

const lineCount = (file: string): number => readFileSync(file, 'utf8').replace(/\n$/, '').split('\n').length;

describe('docs/lessons: a page per mechanism', () => {
  it('has a page for every topic, each listed in the index', () => {
    const index = read('README.md');
    for (const topic of TOPICS) {
      expect(pages, topic).toContain(`${topic}.md`);
      expect(index, topic).toContain(`](${topic}.md)`);
    }
  });

  it('is linked from the README and from docs/lessons.md', () => {
    expect(readFileSync('README.md', 'utf8')).toContain('](docs/lessons/README.md)');
    expect(readFileSync('docs/lessons.md', 'utf8')).toContain('](lessons/README.md)');
  });

  it.each(pages)('%s: every relative link and image resolves', (page) => {
    for (const { target } of links(read(page))) {
      if (/^[a-z]+:/.test(target) || target.startsWith('#')) continue; // web addresses, same-page anchors
      const { file } = resolveLink(page, target);
      expect(existsSync(file), `${page} links to ${target}`).toBe(true);
    }
  });

  it.each(pages)('%s: every cited line range exists and is short enough to read', (page) => {
    for (const { target } of links(read(page))) {
      const { file, range } = resolveLink(page, target);
      if (!range) continue;
      const [a, b] = range;
      expect(a, `${page}: ${target}`).toBeGreaterThanOrEqual(1);
      expect(b, `${page}: ${target}`).toBeGreaterThanOrEqual(a);
      expect(b, `${page}: ${target} ends past the file`).toBeLessThanOrEqual(lineCount(file));
      expect(b - a + 1, `${page}: ${target} is too long to read at once`).toBeLessThanOrEqual(MAX_LINES);
    }
  });

  it.each(pages)('%s: every excerpt equals the lines of its file', (page) => {
    // An excerpt is a ```typescript block right under `<!-- excerpt: PATH#La-Lb -->` (PATH from
    // the repository root); runnable snippets are ```ts and run in test/docs.test.ts instead.
    const text = read(page);
    const fences = [...text.matchAll(/^```typescript\n/gm)].length;
    const excerpts = [...text.matchAll(/^<!-- excerpt: (\S+)#L(\d+)-L(\d+) -->\n```typescript\n([\s\S]*?)^```$/gm)];
    expect(excerpts.length, `${page}: a \`\`\`typescript block without its excerpt marker`).toBe(fences);
    for (const [, path, a, b, body] of excerpts) {
      const file = resolve(path!);
      expect(existsSync(file), `${page}: ${path}`).toBe(true);
      const lines = readFileSync(file, 'utf8').split('\n').slice(Number(a) - 1, Number(b));
      expect(Number(b) - Number(a) + 1, `${page}: ${path}#L${a}-L${b}`).toBeLessThanOrEqual(MAX_LINES);
      expect(`${body}`, `${page}: the excerpt of ${path}#L${a}-L${b} no longer matches the file`).toBe(`${lines.join('\n')}\n`);
    }
  });

  it.each(pages.filter((p) => p !== 'README.md'))('%s: has a picture, each directly followed by the command that made it', (page) => {
    const text = read(page);
    const lines = text.split('\n');
    const images = links(text).filter((l) => l.image);
    expect(images.length, `${page} has no picture`).toBeGreaterThan(0);
    for (const { target, line } of images) {
      expect(target, `${page}: pictures live in docs/img/lessons/`).toMatch(/^\.\.\/img\/lessons\/[\w-]+\.png$/);
      let i = line + 1;
      while (lines[i]?.trim() === '') i++;
      expect(lines[i], `${page}: ${target} is not followed by a command block`).toMatch(/^```(sh|console)?$/);
      expect(lines[i + 1], `${page}: ${target} is not followed by an npx glimpse command`).toMatch(/^npx glimpse /);
    }
  });
});

import { type ChildProcess, spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { glimpse } from '../helpers/cli.js';

// glimpse serve run as a process on a free port, against tiny trained runs, called over HTTP.
const dir = mkdtempSync(join(tmpdir(), 'glimpse-serve-'));
const runs = join(dir, 'runs');

function train(args: string[]): string {
  const r = glimpse(['train', '--runs', runs, '--no-progress', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return join(runs, args[args.indexOf('--name') + 1]!);
}
const TINY = ['--task', 'reverse', '--embedding', '16', '--encoder-hidden', '16', '--hidden', '32', '--batch-size', '16', '--min-len', '3', '--max-len', '8', '--max-steps', '60', '--eval-every', '60'];

interface Server {
  proc: ChildProcess;
  url: string;
  /** Resolves once stderr has a line matching `re`. */
  waitFor(re: RegExp): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

/** Starts `glimpse serve --port 0 …` and reads the address it prints. */
function serve(args: string[]): Promise<Server> {
  const proc = spawn(process.execPath, [resolve('dist/cli/main.js'), 'serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  let out = '';
  const waiters: { re: RegExp; done: () => void }[] = [];
  proc.stderr!.setEncoding('utf8').on('data', (s: string) => {
    err += s;
    for (const w of waiters.splice(0)) {
      if (w.re.test(err)) w.done();
      else waiters.push(w);
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => proc.on('exit', (code, signal) => res({ code, signal })));
  return new Promise((res, rej) => {
    proc.stdout!.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      const m = /listening on (http:\/\/[^ ]+)/.exec(out);
      if (m) {
        res({
          proc, url: m[1]!, exited, stderr: () => err,
          waitFor: (re) => new Promise((done) => (re.test(err) ? done() : waiters.push({ re, done }))),
        });
      }
    });
    void exited.then((e) => rej(new Error(`glimpse serve exited (${e.code ?? e.signal}) before listening: ${err}`)));
  });
}

async function post(url: string, body: unknown, raw?: string): Promise<{ status: number; json: any }> {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: raw ?? JSON.stringify(body) });
  return { status: r.status, json: await r.json() };
}

/** A POST over `agent`'s connections (node:http, so the test controls which sockets carry it). */
function postVia(agent: Agent, url: string, body: unknown): Promise<{ status: number; json: any }> {
  return new Promise((res, rej) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (r) => {
      let data = '';
      r.setEncoding('utf8').on('data', (c: string) => (data += c)).on('end', () => res({ status: r.statusCode!, json: JSON.parse(data) }));
    });
    req.on('error', rej);
    req.end(JSON.stringify(body));
  });
}

let rev: string;
let lm: string;
let server: Server;
beforeAll(async () => {
  rev = train([...TINY, '--name', 'rev', '--seed', '1']);
  const text = join(dir, 'text.txt');
  writeFileSync(text, readFileSync('../shared/data/tinyshakespeare/input.txt', 'utf8').split('\n').slice(0, 600).join('\n'));
  lm = train(['--task', 'lm', '--model', 'lstm-attn', '--data', text, '--name', 'lm', '--embedding', '16', '--hidden', '16', '--batch-size', '8', '--max-steps', '10', '--eval-every', '10']);
  server = await serve(['--run', rev, '--max-input-tokens', '20', '--max-body-bytes', '4096']);
}, 300_000);
afterAll(() => {
  server?.proc.kill('SIGKILL');
});

describe('glimpse serve: translation', () => {
  const input = ['abcdefg', 'hijklmn', 'qrstuvw'];

  it('GET /health, /info and /openapi.json describe the server', async () => {
    expect(await (await fetch(`${server.url}/health`)).json()).toEqual({ status: 'ok', pending: 0, capacity: 64 });
    const info = await (await fetch(`${server.url}/info`)).json();
    expect(info.runs).toEqual(['rev']);
    expect(info).toMatchObject({ kind: 'seq2seq', task: 'reverse', endpoint: 'POST /translate', limits: { beam: 16, inputTokens: 20, bodyBytes: 4096 } });
    expect(info.vocab.source).toBeGreaterThan(26);
    expect(info.options.beam).toMatchObject({ type: 'integer', minimum: 1, maximum: 16 });
    const api = await (await fetch(`${server.url}/openapi.json`)).json();
    expect(api.openapi).toBe('3.1.0');
    expect(api.paths['/translate'].post.requestBody.content['application/json'].schema.properties.beam.maximum).toBe(16);
  });

  it('translates as glimpse translate does, greedy and with beam search and n-best', async () => {
    const cli = glimpse(['translate', '--run', rev, ...input]);
    expect(cli.code, cli.stderr).toBe(0);
    const served = await post(`${server.url}/translate`, { texts: input });
    expect(served.status, JSON.stringify(served.json)).toBe(200);
    expect(served.json.translations.map((t: { text: string }) => t.text)).toEqual(cli.stdout.trim().split('\n'));
    const one = await post(`${server.url}/translate`, { text: input[1] });
    expect(one.json.translations).toHaveLength(1);
    expect(one.json.translations[0].text).toBe(cli.stdout.trim().split('\n')[1]);

    const beamCli = glimpse(['translate', '--run', rev, ...input, '--beam', '4', '--n-best', '2', '--scores']);
    expect(beamCli.code, beamCli.stderr).toBe(0);
    const beam = await post(`${server.url}/translate`, { texts: input, beam: 4, nBest: 2 });
    expect(beam.status, JSON.stringify(beam.json)).toBe(200);
    const lines = beam.json.translations.flatMap((t: { hypotheses: { score: number; text: string }[] }) => t.hypotheses.map((h) => `${h.score.toFixed(4)}\t${h.text}`));
    expect(lines).toEqual(beamCli.stdout.trim().split('\n'));
  });

  it('concurrent greedy requests (batched together) answer as each alone', async () => {
    const texts = ['abc', 'abcdefgh', 'zyx', 'mnopq', 'hello', 'qq'];
    const alone = glimpse(['translate', '--run', rev, ...texts]).stdout.trim().split('\n');
    const answers = await Promise.all(texts.map((text) => post(`${server.url}/translate`, { text })));
    expect(answers.map((a) => a.json.translations[0].text)).toEqual(alone);
  });

  it('attention: true returns weights [T][S] whose rows sum to 1', async () => {
    const r = await post(`${server.url}/translate`, { text: 'abcdef', attention: true });
    expect(r.status).toBe(200);
    const t = r.json.translations[0];
    expect(t.attention.source.slice(0, 6)).toEqual([...'abcdef']);
    expect(t.attention.weights).toHaveLength(t.attention.target.length);
    expect(t.attention.target.length).toBe(t.tokens.length + (t.finished ? 1 : 0));
    for (const row of t.attention.weights) {
      expect(row).toHaveLength(t.attention.source.length);
      expect(row.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 4);
    }
    expect((await post(`${server.url}/translate`, { text: 'abcdef' })).json.translations[0].attention).toBeUndefined();
  });

  it('answers bad requests with a 4xx and one message naming the field, and keeps serving', async () => {
    const cases: [unknown, number, RegExp, string?][] = [
      [null, 400, /^the body is not valid JSON/, '{"text": "abc"'],
      [{ text: 'abc', colour: 'red' }, 400, /^unknown field "colour"/],
      [{ text: 'abc', beam: 10_000 }, 400, /^beam must be <= 16$/],
      [{ text: 'abc', beam: '4' }, 400, /^beam must be integer$/],
      [{ text: 'abcdefghijklmnopqrstuvwxyz' }, 400, /^text has 2\d tokens; at most 20$/],
      [{ texts: ['abc', 'x'.repeat(2001)] }, 400, /^texts\[1\] must NOT have more than 2000 characters$/],
      [{ text: 'abc', maxTokens: 100_000 }, 400, /^maxTokens must be <= 200$/],
      [{ texts: Array.from({ length: 65 }, () => 'a') }, 400, /^texts must NOT have more than 64 items$/],
      [{ text: 'abc', topK: 3 }, 400, /^topK applies to sampling/],
      [{ text: 'abc', alpha: 0.6 }, 400, /^alpha ranks beam search hypotheses; it needs beam 2 or more$/],
      [{ text: 'abc', nBest: 3 }, 400, /^nBest 3 needs a beam of at least 3, got 1$/],
      [{ text: 'abc', texts: ['d'] }, 400, /^give "text" \(one input\) or "texts"/],
      [{ text: 'ABC€' }, 400, /"€"/],
      [{ text: 'abc', prefix: '€' }, 400, /^prefix has "€", which the target vocabulary does not hold/],
      [{ text: 'a'.repeat(5000) }, 413, /^the body is larger than 4096 bytes/],
    ];
    for (const [body, status, re, raw] of cases) {
      const r = await post(`${server.url}/translate`, body, raw);
      expect(r.status, JSON.stringify(body)).toBe(status);
      expect(Object.keys(r.json)).toEqual(['error']);
      expect(r.json.error, JSON.stringify(body)).toMatch(re);
    }
    for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
      const wrongType = await fetch(`${server.url}/translate`, { method: 'POST', headers: { 'content-type': type }, body: 'text=abc' });
      expect(wrongType.status).toBe(415);
      expect(await wrongType.json()).toEqual({ error: 'send the body as JSON, with content-type: application/json' });
    }
    expect((await fetch(`${server.url}/nowhere`)).status).toBe(404);
    expect((await post(`${server.url}/generate`, { prompt: 'abc' })).json.error).toMatch(/^this server runs a reverse translation model; POST \/translate$/);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });
});

describe('glimpse serve: queue and shutdown', () => {
  it('answers 503 when the queue is full, 200 to the requests it accepted', async () => {
    const s = await serve(['--run', rev, '--queue', '1', '--log']);
    try {
      // Six connections opened (and accepted) first; then a long request holds the only place,
      // and the six requests sent over those connections while it decodes find the queue full,
      // but for the first one read once it is done.
      const agent = new Agent({ keepAlive: true, maxSockets: 6 });
      await Promise.all(Array.from({ length: 6 }, () => postVia(agent, `${s.url}/translate`, { text: 'abc' })));
      const slow = post(`${s.url}/translate`, { texts: Array.from({ length: 64 }, () => 'abcdefgh'), beam: 8, maxTokens: 120, minLength: 100 });
      await s.waitFor(/POST \/translate: 64 text\(s\) queued/);
      const others = await Promise.all(Array.from({ length: 6 }, () => postVia(agent, `${s.url}/translate`, { text: 'abc' })));
      agent.destroy();
      expect((await slow).status).toBe(200);
      const statuses = others.map((a) => a.status);
      expect(statuses.every((c) => c === 200 || c === 503), statuses.join(' ')).toBe(true);
      expect(statuses, statuses.join(' ')).toContain(503);
      expect(others.find((a) => a.status === 503)!.json.error).toMatch(/^the server is busy: 1 request\(s\) pending, at most 1; try again later$/);
    } finally {
      s.proc.kill('SIGKILL');
    }
  });

  it('SIGTERM stops accepting, answers the request in flight and exits 143', async () => {
    const s = await serve(['--run', rev, '--log', '--batch-wait', '300']);
    const inFlight = post(`${s.url}/translate`, { texts: Array.from({ length: 40 }, () => 'abcdefgh'), beam: 4, maxTokens: 40 });
    await s.waitFor(/POST \/translate: 40 text\(s\) queued/);
    s.proc.kill('SIGTERM');
    const r = await inFlight;
    expect(r.status).toBe(200);
    expect(r.json.translations).toHaveLength(40);
    expect(await s.exited).toEqual({ code: 143, signal: null });
    expect(s.stderr()).toMatch(/SIGTERM: no new requests; finishing those in flight\n.*stopped\n$/s);
  });
});

describe('glimpse serve: language models', () => {
  it('POST /generate continues a prompt as glimpse generate does', async () => {
    const s = await serve(['--run', lm, '--max-tokens', '8']);
    try {
      const cli = glimpse(['generate', '--run', lm, '--prompt', 'to be or', '--seed', '3', '--max-tokens', '8']);
      expect(cli.code, cli.stderr).toBe(0);
      const r = await post(`${s.url}/generate`, { prompt: 'to be or', seed: 3, maxTokens: 8, attention: true });
      expect(r.status, JSON.stringify(r.json)).toBe(200);
      expect(r.json.text).toBe(cli.stdout.trim());
      expect(r.json.tokens).toHaveLength(8);
      expect(r.json.attention.weights).toHaveLength(8);
      // No maxTokens: the CLI's default of 50, held to the server's --max-tokens 8.
      expect((await post(`${s.url}/generate`, { prompt: 'to be or' })).json.tokens).toHaveLength(8);
      expect((await post(`${s.url}/generate`, { prompt: 'to be or', maxTokens: 9 })).json.error).toBe('maxTokens must be <= 8');
      expect((await post(`${s.url}/generate`, { prompt: 'to be', temperature: 0, topK: 2 })).json.error).toBe('temperature 0 is greedy decoding; topK, topP and seed apply to sampling');
      expect((await post(`${s.url}/translate`, { text: 'abc' })).status).toBe(400);
    } finally {
      s.proc.kill('SIGKILL');
    }
  });
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { parse as parseYaml } from 'yaml';
import { CanaryMetrics } from '../../src/canary/metrics.js';
import { runSubcommand } from '../../src/cli/commands/dispatch.js';
import { BufferSink } from '../../src/cli/commands/io.js';
import { formatRFC3339Nano } from '../../src/model/time.js';
import { startInProcess, type InProcessSkald } from '../helpers/inproc.js';

/**
 * The shell examples of the user docs, run against an in-process server: every `curl` line of
 * docs/api.md and docs/getting-started.md must answer 2xx (or open its WebSocket), every
 * `skald <command>` line must exit 0, and every route the server serves must have an example.
 */

const DOC_ADDR = 'localhost:3100';

function shellBlocks(file: string): string[] {
  const text = readFileSync(new URL(`../../docs/${file}`, import.meta.url), 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/```(?:sh|bash|shell)\n([\s\S]*?)```/g)) {
    // Join continuation lines, then one command per line.
    for (const line of m[1].replace(/\\\n\s*/g, ' ').split('\n')) {
      const cmd = line.replace(/^\$\s+/, '').trim();
      if (cmd !== '' && !cmd.startsWith('#')) out.push(cmd.replace(/\s+#.*$/, ''));
    }
  }
  return out;
}

/** The few command substitutions the examples use. */
function substitute(cmd: string): string {
  const now = BigInt(Date.now()) * 1_000_000n;
  switch (cmd.trim()) {
    case 'date +%s%N': return now.toString();
    case 'date +%s': return (now / 1_000_000_000n).toString();
    case 'date -u +%Y-%m-%dT%H:%M:%S.%NZ': return formatRFC3339Nano(now);
    default: throw new Error(`unsupported command substitution $(${cmd}) in docs`);
  }
}

/** Splits a command line into words like a POSIX shell: quotes, escapes and $(…). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let cur: string | undefined;
  let i = 0;
  const add = (s: string) => { cur = (cur ?? '') + s; };
  while (i < line.length) {
    const c = line[i];
    if (c === ' ' || c === '\t') {
      if (cur !== undefined) words.push(cur);
      cur = undefined;
      i++;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated ' in: ${line}`);
      add(line.slice(i + 1, end));
      i = end + 1;
    } else if (c === '"') {
      i++;
      let s = '';
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\' && '$`"\\'.includes(line[i + 1])) { s += line[i + 1]; i += 2; continue; }
        if (line.startsWith('$(', i)) {
          const end = line.indexOf(')', i);
          s += substitute(line.slice(i + 2, end));
          i = end + 1;
          continue;
        }
        s += line[i++];
      }
      if (line[i] !== '"') throw new Error(`unterminated " in: ${line}`);
      add(s);
      i++;
    } else if (c === '\\') {
      add(line[i + 1] ?? '');
      i += 2;
    } else {
      add(c);
      i++;
    }
  }
  if (cur !== undefined) words.push(cur);
  return words;
}

interface CurlRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** The request a curl command line makes. */
export function curlRequest(words: string[], base: string): CurlRequest {
  let method: string | undefined;
  let url: string | undefined;
  let get = false;
  const headers: Record<string, string> = {};
  const data: string[] = [];
  const encoded: string[] = [];
  for (let i = 1; i < words.length; i++) {
    const w = words[i];
    switch (w) {
      case '-s': case '-S': case '-N': case '-i': case '-f': case '-sS': case '--no-buffer': case '--silent': break;
      case '--max-time': case '-m': case '-o': case '--output': i++; break;
      case '-X': case '--request': method = words[++i]; break;
      case '-G': case '--get': get = true; break;
      case '-H': case '--header': {
        const h = words[++i];
        const colon = h.indexOf(':');
        headers[h.slice(0, colon).trim()] = h.slice(colon + 1).trim();
        break;
      }
      case '-d': case '--data': case '--data-raw': case '--data-binary': data.push(words[++i]); break;
      case '--data-urlencode': {
        const kv = words[++i];
        const eq = kv.indexOf('=');
        encoded.push(eq < 0 ? encodeURIComponent(kv) : `${kv.slice(0, eq)}=${encodeURIComponent(kv.slice(eq + 1))}`);
        break;
      }
      default:
        if (w.startsWith('-')) throw new Error(`curl option ${w} not understood by the docs test`);
        url = w;
    }
  }
  if (!url) throw new Error(`no URL in: ${words.join(' ')}`);
  const target = new URL(url.replace(DOC_ADDR, base.replace(/^http:\/\//, '')));
  const form = [...data, ...encoded].join('&');
  if (get) {
    if (form) target.search = (target.search ? target.search.slice(1) + '&' : '') + form;
    return { method: method ?? 'GET', url: target.href, headers, body: undefined };
  }
  if (form && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/x-www-form-urlencoded';
  return { method: method ?? (form ? 'POST' : 'GET'), url: target.href, headers, body: form || undefined };
}

/** Opens a WebSocket and resolves with its path once the upgrade succeeded. */
function openSocket(url: string, headers: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => { ws.close(); resolve(); });
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

/** Paths the examples reach, to check that every route has one. */
const reached: string[] = [];

async function runCurl(line: string, base: string): Promise<void> {
  const req = curlRequest(shellWords(line), base);
  reached.push(new URL(req.url).pathname);
  if (req.url.startsWith('ws')) return openSocket(req.url, req.headers);
  const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body });
  const text = await res.text();
  assert.ok(res.status >= 200 && res.status < 300, `${line}\n→ ${res.status}: ${text.slice(0, 500)}`);
}

async function runSkald(line: string, base: string): Promise<void> {
  const words = shellWords(line).filter((w, i) => !(i === 0 && w === 'npx'));
  const [, command] = words;
  if (command === 'tail' || command === 'canary' || command === undefined || command.startsWith('-')) return;
  const out = new BufferSink();
  const err = new BufferSink();
  const io = { stdout: out, stderr: err, env: { LOKI_ADDR: base }, readStdin: async () => '', signal: new AbortController().signal };
  const code = await runSubcommand(words.slice(1), io);
  assert.equal(code, 0, `${line}\n→ exit ${code}: ${err.text.slice(0, 500)}`);
}

describe('docs examples', () => {
  let s: InProcessSkald;
  before(async () => { s = await startInProcess(); });
  after(() => s.stop());

  for (const file of ['api.md', 'getting-started.md']) {
    it(`every example of docs/${file} succeeds`, async () => {
      const lines = shellBlocks(file);
      assert.ok(lines.length > 0);
      for (const line of lines) {
        if (line.startsWith('curl ')) await runCurl(line, s.url);
        else if (/^(npx )?skald /.test(line)) await runSkald(line, s.url);
      }
    });
  }

  it('docs/api.md has an example for every route', () => {
    // The router keeps its table private; the test reads it to find undocumented routes.
    const routes = Reflect.get(s.app.server, 'routes') as readonly { path: string }[];
    assert.ok(routes.length > 10);
    const missing = routes.map((r) => r.path).filter((p) => {
      const re = new RegExp('^' + p.replace(/:[^/]+/g, '[^/]+') + '$');
      return !reached.some((x) => re.test(x));
    });
    assert.deepEqual(missing, [], 'routes without a curl example in docs/api.md');
  });

  it('alert rules and the dashboard only use metrics Skald and its canary export', async () => {
    const known = new Set<string>();
    for (const reg of [s.app.metrics.registry, new CanaryMetrics(10).registry]) {
      for (const m of await reg.getMetricsAsJSON()) {
        known.add(m.name);
        if (String(m.type) === 'histogram') for (const sfx of ['_bucket', '_sum', '_count']) known.add(m.name + sfx);
      }
    }
    // Metric names, leaving out label values such as route="loki_api_v1_push".
    const used = (expr: string): string[] => [...expr.replace(/"(?:[^"\\]|\\.)*"/g, '""').matchAll(/\b(?:loki|skald|nodejs|process)_[a-zA-Z0-9_]+/g)].map((m) => m[0]);
    const rules = parseYaml(readFileSync(new URL('../../deploy/prometheus/skald-alerts.yaml', import.meta.url), 'utf8')) as {
      groups: { name: string; rules: { alert: string; expr: string; labels: { severity: string }; annotations: { summary: string } }[] }[];
    };
    const exprs: string[] = [];
    for (const g of rules.groups) {
      for (const r of g.rules) {
        assert.ok(r.alert && r.expr && ['warning', 'critical'].includes(r.labels.severity) && r.annotations.summary, JSON.stringify(r));
        exprs.push(r.expr);
      }
    }
    const dash = JSON.parse(readFileSync(new URL('../../deploy/grafana/skald-dashboard.json', import.meta.url), 'utf8')) as { panels: { targets?: { expr: string }[] }[] };
    for (const p of dash.panels) for (const t of p.targets ?? []) exprs.push(t.expr);
    const unknown = [...new Set(exprs.flatMap(used))].filter((n) => !known.has(n));
    assert.deepEqual(unknown, []);
    assert.ok(exprs.length > 40);
  });

  it('parses shell words like sh', () => {
    assert.deepEqual(shellWords(`curl -d "a\\"b\\\\c" 'x y' z\\ w`), ['curl', '-d', 'a"b\\c', 'x y', 'z w']);
    const r = curlRequest(shellWords(`curl -s -G http://localhost:3100/p --data-urlencode 'query={a="b"}'`), 'http://127.0.0.1:9');
    assert.equal(r.url, 'http://127.0.0.1:9/p?query=%7Ba%3D%22b%22%7D');
  });
});

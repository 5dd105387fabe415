import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { parseArgs, type FlagSpec } from '../../src/cli/commands/args.js';
import { CLIENT_FLAGS, OUTPUT_FLAGS, RANGE_FLAGS, timeRange } from '../../src/cli/commands/common.js';
import { runSubcommand } from '../../src/cli/commands/dispatch.js';
import { UsageError } from '../../src/cli/commands/errors.js';
import { BufferSink, type CommandIO } from '../../src/cli/commands/io.js';
import { LogPrinter, type LogEntry, type OutputOptions } from '../../src/cli/commands/output.js';
import { pageLogs, type Page, type PageRequest } from '../../src/cli/commands/paging.js';
import { Progress } from '../../src/cli/commands/progress.js';
import { TimeZone, formatTime, parseTimeFlag } from '../../src/cli/commands/time.js';
import { startInProcess, type InProcessSkald } from '../helpers/inproc.js';
import { push } from '../helpers/push-client.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SEC = 1_000_000_000n;
const nowNs = () => BigInt(Date.now()) * 1_000_000n;
const ANSI = /\x1b\[/;

interface TestIO extends CommandIO {
  readonly out: BufferSink;
  readonly err: BufferSink;
}

function testIO(env: Record<string, string> = {}, opts: { tty?: boolean; stdin?: string; signal?: AbortSignal } = {}): TestIO {
  const out = new BufferSink(opts.tty ?? false);
  const err = new BufferSink(opts.tty ?? false);
  return { stdout: out, stderr: err, out, err, env, readStdin: async () => opts.stdin ?? '', signal: opts.signal ?? new AbortController().signal };
}

async function run(argv: string[], env: Record<string, string> = {}, opts: Parameters<typeof testIO>[1] = {}): Promise<{ code: number; out: string; err: string }> {
  const io = testIO(env, opts);
  const code = await runSubcommand(argv, io);
  return { code, out: io.out.text, err: io.err.text };
}

// ---------------------------------------------------------------------------------------------
// A fake Loki: query_range over an in-memory entry list with Loki's rules (start inclusive, end
// exclusive, direction, limit), plus labels and series, recording every request.

interface FakeEntry { ts: bigint; line: string; stream: Record<string, string> }

class FakeLoki {
  readonly requests: { path: string; params: URLSearchParams; headers: IncomingHttpHeaders }[] = [];
  entries: FakeEntry[] = [];
  maxLimit = 5000;
  status = 200;
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const u = new URL(req.url ?? '/', 'http://x');
      this.requests.push({ path: u.pathname, params: u.searchParams, headers: req.headers });
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'Content-Type': typeof body === 'string' ? 'text/plain' : 'application/json' });
        res.end(typeof body === 'string' ? body : JSON.stringify(body));
      };
      if (this.status !== 200) return send(this.status, 'boom: something failed');
      const p = u.searchParams;
      if (u.pathname === '/loki/api/v1/query_range') {
        const limit = Number(p.get('limit'));
        if (limit > this.maxLimit) return send(400, `max entries limit per query exceeded, limit > max_entries_limit_per_query (${limit} > ${this.maxLimit})`);
        if ((p.get('query') ?? '').startsWith('rate(')) return send(200, { status: 'success', data: { resultType: 'matrix', result: [{ metric: { app: 'a' }, values: [[1, '2']] }] } });
        const start = BigInt(p.get('start')!), end = BigInt(p.get('end')!);
        const fwd = p.get('direction') === 'forward';
        const sel = this.entries.filter((e) => e.ts >= start && e.ts < end).sort((a, b) => (a.ts === b.ts ? 0 : (a.ts < b.ts) === fwd ? -1 : 1)).slice(0, limit);
        const streams = new Map<string, { stream: Record<string, string>; values: string[][] }>();
        for (const e of sel) {
          const k = JSON.stringify(e.stream);
          if (!streams.has(k)) streams.set(k, { stream: e.stream, values: [] });
          streams.get(k)!.values.push([e.ts.toString(), e.line]);
        }
        return send(200, { status: 'success', data: { resultType: 'streams', result: [...streams.values()], stats: { summary: { totalEntriesReturned: sel.length } } } });
      }
      if (u.pathname === '/loki/api/v1/labels') return send(200, { status: 'success', data: ['app', 'env'] });
      if (u.pathname === '/loki/api/v1/label/app/values') return send(200, { status: 'success', data: ['api', 'web'] });
      if (u.pathname === '/loki/api/v1/series') return send(200, { status: 'success', data: [{ env: 'dev', app: 'api' }, { app: 'web', env: 'dev' }] });
      if (u.pathname === '/loki/api/v1/query') return send(200, { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1, '3'] }] } });
      send(404, '404 page not found');
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  rangeRequests() {
    return this.requests.filter((r) => r.path === '/loki/api/v1/query_range');
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server!.close(r));
  }
}

const FLAGS: readonly FlagSpec[] = [...CLIENT_FLAGS, ...OUTPUT_FLAGS, ...RANGE_FLAGS, { name: 'limit', kind: 'int', default: '30', help: '' }, { name: 'tail', short: 't', kind: 'bool', help: '' }];

describe('skald CLI: arguments and environment', () => {
  it('parses logcli syntax: --a=b, --a b, short flags, clusters, --no-x, lists, flags after positionals', () => {
    const a = parseArgs(FLAGS, ['{app="x"}', '--limit=5', '-o', 'raw', '-qt', '--include-label', 'a', '--include-label=b', '-zUTC', '--no-quiet', '--since', '2h'], {});
    assert.deepEqual(a.positional, ['{app="x"}']);
    assert.equal(a.int('limit'), 5);
    assert.equal(a.string('output'), 'raw');
    assert.equal(a.bool('tail'), true);
    assert.equal(a.bool('quiet'), false, '--no-quiet after -q wins');
    assert.deepEqual(a.list('include-label'), ['a', 'b']);
    assert.equal(a.string('timezone'), 'UTC');
    assert.equal(a.durationNs('since'), 7200n * SEC);
    assert.deepEqual(parseArgs(FLAGS, ['--', '--limit'], {}).positional, ['--limit']);
    assert.equal(parseArgs(FLAGS, ['-h'], {}).help, true);
  });

  it('falls back to logcli environment variables, flags win, defaults last', () => {
    const env = { LOKI_ADDR: 'http://env:3100', LOKI_ORG_ID: 'team-a', LOKI_USERNAME: 'u', LOKI_TLS_SKIP_VERIFY: 'true' };
    const a = parseArgs(FLAGS, [], env);
    assert.equal(a.string('addr'), 'http://env:3100');
    assert.equal(a.string('org-id'), 'team-a');
    assert.equal(a.bool('tls-skip-verify'), true);
    assert.equal(parseArgs(FLAGS, ['--addr=http://flag:1'], env).string('addr'), 'http://flag:1');
    assert.equal(parseArgs(FLAGS, [], {}).string('addr'), 'http://localhost:3100');
    assert.equal(parseArgs(FLAGS, [], {}).int('limit'), 30);
  });

  it('rejects unknown flags, missing values and bad values as usage errors', () => {
    assert.throws(() => parseArgs(FLAGS, ['--nope'], {}), UsageError);
    assert.throws(() => parseArgs(FLAGS, ['-x'], {}), UsageError);
    assert.throws(() => parseArgs(FLAGS, ['--limit'], {}), UsageError);
    assert.throws(() => parseArgs(FLAGS, ['--limit=ten'], {}).int('limit'), UsageError);
    assert.throws(() => parseArgs(FLAGS, ['--since=soon'], {}).durationNs('since'), UsageError);
    assert.throws(() => parseArgs(FLAGS, ['--quiet=maybe'], {}), UsageError);
  });

  it('computes logcli time ranges from --since, --from and --to', () => {
    const now = 1_700_000_000n * SEC;
    assert.deepEqual(timeRange(parseArgs(FLAGS, [], {}), now), { start: now - 3600n * SEC, end: now });
    assert.deepEqual(timeRange(parseArgs(FLAGS, ['--since=5m'], {}), now), { start: now - 300n * SEC, end: now });
    const r = timeRange(parseArgs(FLAGS, ['--from=2023-11-14T22:00:00Z', '--to=2023-11-14T22:13:20.5Z'], {}), now);
    assert.deepEqual(r, { start: 1_699_999_200n * SEC, end: 1_700_000_000n * SEC + 500_000_000n });
    assert.deepEqual(timeRange(parseArgs(FLAGS, ['--to=1699999000', '--since=10m'], {}), now), { start: 1_699_998_400n * SEC, end: 1_699_999_000n * SEC });
    assert.equal(parseTimeFlag('1700000000', '--from'), 1_700_000_000n * SEC);
    assert.throws(() => parseTimeFlag('yesterday', '--from'), UsageError);
    assert.throws(() => timeRange(parseArgs(FLAGS, ['--from=2024-01-02T00:00:00Z', '--to=2024-01-01T00:00:00Z'], {}), now), UsageError);
  });
});

describe('skald CLI: output formats', () => {
  const ts = 1_700_000_000n * SEC + 123_456_789n;
  const api = { app: 'api', env: 'prod' };
  const web = { app: 'web', env: 'prod' };
  const entries: LogEntry[] = [
    { ts, line: '  first line  ', labels: api },
    { ts: ts + 1n, line: 'second <b>', labels: web },
  ];
  const base: OutputOptions = {
    mode: 'default', tz: new TimeZone('UTC'), color: false, colorPerStream: false, noLabels: false,
    includeLabels: [], excludeLabels: [], labelsLength: 0, quiet: false,
  };
  const print = (o: Partial<OutputOptions>, list = entries, strip = true) => {
    const out = new BufferSink(), err = new BufferSink();
    new LogPrinter(out, err, { ...base, ...o }).print(list, strip);
    return { out: out.text, err: err.text };
  };

  it('default: RFC3339 time, labels without the common ones (announced on stderr), trimmed line, no colours', () => {
    const r = print({});
    assert.equal(r.out, '2023-11-14T22:13:20Z {app="api"} first line\n2023-11-14T22:13:20Z {app="web"} second <b>\n');
    assert.equal(r.err, 'Common labels: {env="prod"}\n');
    assert.doesNotMatch(r.out + r.err, ANSI);
    assert.equal(print({ quiet: true }).err, '');
  });

  it('default: padding, --include-label, --exclude-label, --no-labels, --labels-length', () => {
    const other = [{ ts, line: 'x', labels: { app: 'a', env: 'prod' } }, { ts, line: 'y', labels: { app: 'long-name', env: 'dev' } }];
    assert.equal(print({}, other).out, '2023-11-14T22:13:20Z {app="a", env="prod"}        x\n2023-11-14T22:13:20Z {app="long-name", env="dev"} y\n');
    assert.equal(print({ includeLabels: ['env'] }, other).out, '2023-11-14T22:13:20Z {env="prod"} x\n2023-11-14T22:13:20Z {env="dev"}  y\n');
    assert.equal(print({ excludeLabels: ['app'] }, other).out, '2023-11-14T22:13:20Z {env="prod"} x\n2023-11-14T22:13:20Z {env="dev"}  y\n');
    assert.equal(print({ noLabels: true }, other).out, '2023-11-14T22:13:20Z x\n2023-11-14T22:13:20Z y\n');
    assert.equal(print({ labelsLength: 20 }, entries.slice(0, 1)).out, '2023-11-14T22:13:20Z {}                   first line\n');
  });

  it('default: colours only when asked for (a terminal), one colour per stream with --colored-output', () => {
    const plain = print({}).out;
    const col = print({ color: true }).out;
    assert.match(col, /\x1b\[34m2023-11-14T22:13:20Z\x1b\[0m \x1b\[31m\{app="api"\}\x1b\[0m first line/);
    assert.equal(col.replace(/\x1b\[\d+m/g, ''), plain);
    const per = print({ color: true, colorPerStream: true }).out;
    assert.doesNotMatch(per, /\x1b\[31m\{app/);
  });

  it('raw prints lines untouched; jsonl prints labels, line and RFC3339Nano time', () => {
    assert.equal(print({ mode: 'raw' }).out, '  first line  \nsecond <b>\n');
    const lines = print({ mode: 'jsonl' }).out.trim().split('\n');
    assert.equal(lines[0], '{"labels":{"app":"api","env":"prod"},"line":"  first line  ","timestamp":"2023-11-14T22:13:20.123456789Z"}');
    assert.deepEqual(JSON.parse(lines[1]), { labels: web, line: 'second <b>', timestamp: '2023-11-14T22:13:20.12345679Z' });
    assert.equal(print({ mode: 'jsonl', noLabels: true, tz: new TimeZone('Asia/Kolkata') }).out.split('\n')[0], '{"line":"  first line  ","timestamp":"2023-11-15T03:43:20.123456789+05:30"}');
  });

  it('formats times in the chosen zone and rejects unknown zones', () => {
    assert.equal(formatTime(ts, new TimeZone('America/New_York'), false), '2023-11-14T17:13:20-05:00');
    assert.equal(formatTime(0n, new TimeZone('UTC'), true), '1970-01-01T00:00:00Z');
    assert.throws(() => new TimeZone('Mars/Olympus'), UsageError);
  });

  it('shows progress only on a terminal and clears it', () => {
    let t = 0;
    const tty = new BufferSink(true);
    const p = new Progress(tty, true, 100, () => (t += 200));
    p.update(50, 1);
    assert.match(tty.text, /50\/100 entries \(50%\), 1 request$/);
    p.clear();
    assert.ok(tty.text.endsWith('\r\x1b[K'));
    const pipe = new BufferSink(false);
    new Progress(pipe, false, 100).update(1, 1);
    assert.equal(pipe.text, '');
  });
});

describe('skald CLI: paging', () => {
  /** Entries with many equal timestamps so that page boundaries fall inside runs of them. */
  const make = (n: number): FakeEntry[] => Array.from({ length: n }, (_, i) => ({
    ts: 1_000n * SEC + BigInt(Math.floor(i / 3)), line: `line ${i}`, stream: { app: i % 2 ? 'a' : 'b' },
  }));
  const pager = (all: FakeEntry[]) => {
    const calls: PageRequest[] = [];
    const fetch = async (req: PageRequest): Promise<Page> => {
      calls.push(req);
      return { kind: 'streams', entries: all.filter((e) => e.ts >= req.start && e.ts < req.end).map((e) => ({ ts: e.ts, line: e.line, labels: e.stream })) };
    };
    return { calls, fetch };
  };

  for (const forward of [true, false]) {
    it(`prints every entry exactly once across pages (${forward ? 'forward' : 'backward'})`, async () => {
      const all = make(100);
      const calls: PageRequest[] = [];
      const printed: string[] = [];
      const fetch = async (req: PageRequest): Promise<Page> => {
        calls.push(req);
        const sel = all.filter((e) => e.ts >= req.start && e.ts < req.end).sort((a, b) => (a.ts === b.ts ? 0 : (a.ts < b.ts) === forward ? -1 : 1)).slice(0, req.limit);
        return { kind: 'streams', entries: sel.map((e) => ({ ts: e.ts, line: e.line, labels: e.stream })) };
      };
      const res = await pageLogs({ limit: 1000, batch: 7, start: 0n, end: 2_000n * SEC, forward }, { fetch, emit: (es) => printed.push(...es.map((e) => e.line)) });
      assert.equal(res.printed, 100);
      assert.equal(new Set(printed).size, 100);
      assert.ok(calls.every((c) => c.limit <= 7));
      const order = printed.map((l) => all.find((e) => e.line === l)!.ts);
      assert.deepEqual(order, [...order].sort((a, b) => (a === b ? 0 : (a < b) === forward ? -1 : 1)));
      const limited: string[] = [];
      const r2 = await pageLogs({ limit: 20, batch: 7, start: 0n, end: 2_000n * SEC, forward }, { fetch, emit: (es) => limited.push(...es.map((e) => e.line)) });
      assert.equal(r2.printed, 20);
      assert.deepEqual(limited, printed.slice(0, 20));
    });
  }

  it('asks only for what is still needed plus the boundary entries, and stops on a short page', async () => {
    const { calls, fetch } = pager([1000n, 1001n, 1001n, 1002n].map((t, i) => ({ ts: t * SEC, line: `l${i}`, stream: { app: 'a' } })));
    await pageLogs({ limit: 5, batch: 3, start: 0n, end: 2_000n * SEC, forward: true }, {
      fetch: async (r) => { const p = await fetch(r); return p.kind === 'streams' ? { kind: 'streams', entries: p.entries.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0)).slice(0, r.limit) } : p; },
      emit: () => undefined,
    });
    // 3 printed, 2 still needed plus the 2 entries at the boundary; the short answer ends it.
    assert.deepEqual(calls.map((c) => c.limit), [3, 4]);
    assert.equal(calls[1].start, 1_001n * SEC, 'the next page starts at the boundary timestamp');
  });

  it('refuses a batch smaller than a run of equal timestamps', async () => {
    const { fetch } = pager(make(30));
    await assert.rejects(pageLogs({ limit: 30, batch: 2, start: 0n, end: 2_000n * SEC, forward: true }, {
      fetch: async (r) => { const p = await fetch(r); return p.kind === 'streams' ? { kind: 'streams', entries: p.entries.slice(0, r.limit) } : p; },
      emit: () => undefined,
    }), /--batch 2 is too small: .* use at least --batch 3/);
  });

  it('returns a metric result at once', async () => {
    const r = await pageLogs({ limit: 30, batch: 10, start: 0n, end: 1n, forward: false }, { fetch: async () => ({ kind: 'other', data: [1] }), emit: () => undefined });
    assert.deepEqual(r.other, [1]);
  });
});

describe('skald CLI against a fake Loki', () => {
  const fake = new FakeLoki();
  before(async () => {
    await fake.start();
    const base = 1_700_000_000n * SEC;
    fake.entries = Array.from({ length: 250 }, (_, i) => ({ ts: base + BigInt(i >> 1), line: `l${i}`, stream: { app: 'api', pod: `p${i % 3}` } }));
    fake.maxLimit = 100;
  });
  after(() => fake.stop());
  const range = ['--from=2023-11-14T22:00:00Z', '--to=2023-11-14T23:00:00Z'];

  it('pages past the server maximum with --batch, printing each entry once', async () => {
    fake.requests.length = 0;
    const r = await run(['query', '{app="api"}', ...range, '--limit=1000', '--batch=100', '-o', 'raw', '-q', '--forward'], { LOKI_ADDR: fake.url });
    assert.equal(r.code, 0, r.err);
    const lines = r.out.trim().split('\n');
    assert.equal(lines.length, 250);
    assert.deepEqual([...lines].sort(), fake.entries.map((e) => e.line).sort());
    const tsOf = new Map(fake.entries.map((e) => [e.line, e.ts]));
    assert.ok(lines.every((l, i) => i === 0 || tsOf.get(lines[i - 1])! <= tsOf.get(l)!), 'oldest first');
    assert.equal(fake.rangeRequests().length, 3);
    assert.equal(r.err, '');
  });

  it('without --batch paging a limit over the server maximum fails with exit 1', async () => {
    const r = await run(['query', '{app="api"}', ...range, '--limit=500', '--batch=500', '-q'], { LOKI_ADDR: fake.url });
    assert.equal(r.code, 1);
    assert.match(r.err, /Query failed: error response from server: 400 .*max entries limit/);
  });

  it('sends org id, basic auth or bearer token, and the query parameters', async () => {
    fake.requests.length = 0;
    let r = await run(['query', '{app="api"}', '--limit=2', '--org-id=t1', '--username=u', '--password=p', '--since=10m', '-q'], { LOKI_ADDR: fake.url });
    assert.equal(r.code, 0, r.err);
    const req = fake.requests[0];
    assert.equal(req.headers['x-scope-orgid'], 't1');
    assert.equal(req.headers.authorization, 'Basic ' + Buffer.from('u:p').toString('base64'));
    assert.equal(req.params.get('limit'), '2');
    assert.equal(req.params.get('direction'), 'backward');
    const span = BigInt(req.params.get('end')!) - BigInt(req.params.get('start')!);
    assert.equal(span, 600n * SEC);
    fake.requests.length = 0;
    r = await run(['labels', '-q'], { LOKI_ADDR: fake.url, LOKI_BEARER_TOKEN: 'tok', LOKI_ORG_ID: 'env-tenant' });
    assert.equal(r.code, 0);
    assert.equal(fake.requests[0].headers.authorization, 'Bearer tok');
    assert.equal(fake.requests[0].headers['x-scope-orgid'], 'env-tenant');
    r = await run(['labels', '-q', '--username=u', '--bearer-token=t'], { LOKI_ADDR: fake.url });
    assert.equal(r.code, 2);
  });

  it('prints the request URL and common labels on stderr unless --quiet, and colours nothing in a pipe', async () => {
    const r = await run(['query', '{app="api"}', ...range, '--limit=3'], { LOKI_ADDR: fake.url });
    assert.equal(r.code, 0);
    assert.match(r.err, /^http:\/\/127\.0\.0\.1:\d+\/loki\/api\/v1\/query_range\?query=%7Bapp%3D%22api%22%7D&limit=3&/);
    assert.match(r.err, /Common labels: \{app="api"\}/);
    assert.doesNotMatch(r.out + r.err, ANSI);
    const tty = await run(['query', '{app="api"}', ...range, '--limit=3'], { LOKI_ADDR: fake.url }, { tty: true });
    assert.match(tty.out, ANSI);
    const noColor = await run(['query', '{app="api"}', ...range, '--limit=3'], { LOKI_ADDR: fake.url, NO_COLOR: '1' }, { tty: true });
    assert.doesNotMatch(noColor.out, ANSI);
  });

  it('prints metric results as JSON, labels, label values, series and instant queries', async () => {
    let r = await run(['query', 'rate({app="api"}[1m])', '-q', '--step=30s'], { LOKI_ADDR: fake.url });
    assert.deepEqual(JSON.parse(r.out), [{ metric: { app: 'a' }, values: [[1, '2']] }]);
    assert.equal(fake.requests.at(-1)!.params.get('step'), '30');
    r = await run(['labels', '-q', `--addr=${fake.url}`]);
    assert.equal(r.out, 'app\nenv\n');
    r = await run(['labels', 'app', '-q', `--addr=${fake.url}`]);
    assert.equal(r.out, 'api\nweb\n');
    r = await run(['series', '{app=~".+"}', '-q', `--addr=${fake.url}`]);
    assert.equal(r.out, '{app="api", env="dev"}\n{app="web", env="dev"}\n');
    assert.equal(fake.requests.at(-1)!.params.get('match[]'), '{app=~".+"}');
    r = await run(['series', '{app=~".+"}', '-q', '--analyze-labels', `--addr=${fake.url}`]);
    assert.match(r.out, /Total Streams: {2}2\nUnique Labels: {2}2\n/);
    assert.match(r.out, /app\s+2\s+2\nenv\s+1\s+2\n/);
    r = await run(['instant-query', 'count_over_time({app="api"}[5m])', '-q', '--now=2023-11-14T22:13:20Z', `--addr=${fake.url}`]);
    assert.deepEqual(JSON.parse(r.out), [{ metric: {}, value: [1, '3'] }]);
    assert.equal(fake.requests.at(-1)!.params.get('time'), String(1_700_000_000n * SEC));
  });

  it('exit codes: 0 ok and help, 1 server or network error, 2 usage error', async () => {
    assert.equal((await run(['query', '--help'])).code, 0);
    assert.match((await run(['query', '--help'])).out, /usage: skald query/);
    assert.equal((await run(['query'], { LOKI_ADDR: fake.url })).code, 2);
    assert.equal((await run(['query', '{a="b"}', '--limit=0'], { LOKI_ADDR: fake.url })).code, 2);
    assert.equal((await run(['query', '{a="b"}', '--output=xml'], { LOKI_ADDR: fake.url })).code, 2);
    assert.equal((await run(['query', '{a="b"}', '--bogus'], { LOKI_ADDR: fake.url })).code, 2);
    assert.equal((await run(['query', '{a="b"}', '--addr=ftp://x'])).code, 2);
    fake.status = 500;
    const r = await run(['labels'], { LOKI_ADDR: fake.url });
    fake.status = 200;
    assert.equal(r.code, 1);
    assert.match(r.err, /500 Internal Server Error: boom/);
    const down = await run(['labels', '--addr=http://127.0.0.1:1']);
    assert.equal(down.code, 1);
    assert.match(down.err, /Query failed: request to .* failed: .*ECONNREFUSED/);
  });

  it('retries server errors with --retries', async () => {
    let failures = 2;
    const flaky = createServer((_req, res) => {
      if (failures-- > 0) { res.writeHead(503); res.end('busy'); return; }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"status":"success","data":["x"]}');
    });
    await new Promise<void>((r) => flaky.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(flaky.address() as AddressInfo).port}`;
    try {
      assert.equal((await run(['labels', '-q', `--addr=${url}`])).code, 1);
      failures = 2;
      const io = testIO();
      const { LokiClient } = await import('../../src/cli/commands/client.js');
      const c = new LokiClient({ addr: url, retries: 2, retryDelayMs: 1 });
      assert.deepEqual(await c.getJson('/loki/api/v1/labels', new URLSearchParams(), io.signal), { status: 'success', data: ['x'] });
    } finally {
      flaky.closeAllConnections();
      await new Promise((r) => flaky.close(r));
    }
  });
});

describe('skald fmt', () => {
  it('formats a query from the argument or stdin; a bad query exits 1', async () => {
    let r = await run(['fmt', 'sum by (app) (rate({app="api"} |= "err" [5m]))']);
    assert.equal(r.code, 0);
    assert.match(r.out, /sum by \(app\)/);
    assert.ok(r.out.endsWith('\n'));
    r = await run(['fmt'], {}, { stdin: '{app="api"}|="x"\n' });
    assert.equal(r.out, '{app="api"} |= "x"\n');
    r = await run(['fmt', '{app="api"'], {});
    assert.equal(r.code, 1);
    assert.match(r.err, /skald fmt: /);
    assert.equal((await run(['fmt', 'a', 'b'])).code, 2);
  });
});

describe('skald CLI against a Skald server', () => {
  let s: InProcessSkald;
  const start = nowNs() - 60n * SEC;
  before(async () => {
    s = await startInProcess('limits_config:\n  max_entries_limit_per_query: 50\n  discover_service_name: []\n  discover_log_levels: false\n');
    const entries = (app: string, n: number) => Array.from({ length: n }, (_, i) => ({ ts: start + BigInt(Math.floor(i / 2)) * 1000n, line: `${app} ${i}` }));
    const res = await push(s.url, [{ labels: { app: 'api', env: 'prod' }, entries: entries('api', 90) }, { labels: { app: 'web', env: 'prod' }, entries: entries('web', 30) }], 'json');
    assert.equal(res.status, 204);
  });
  after(() => s.stop());

  it('query pages beyond max_entries_limit_per_query', async () => {
    const r = await run(['query', '{env="prod"}', '--since=5m', '--limit=200', '--batch=50', '-o', 'jsonl', '-q'], { LOKI_ADDR: s.url });
    assert.equal(r.code, 0, r.err);
    const rows = r.out.trim().split('\n').map((l) => JSON.parse(l) as { line: string; labels: Record<string, string> });
    assert.equal(rows.length, 120);
    assert.equal(new Set(rows.map((x) => x.line)).size, 120);
    assert.deepEqual(rows[0].labels, { app: 'api', env: 'prod' });
    const over = await run(['query', '{env="prod"}', '--since=5m', '--limit=200', '--batch=200', '-q'], { LOKI_ADDR: s.url });
    assert.equal(over.code, 1);
    assert.match(over.err, /max_entries_limit_per_query/);
  });

  it('labels, series and instant-query', async () => {
    assert.equal((await run(['labels', 'app', '-q'], { LOKI_ADDR: s.url })).out, 'api\nweb\n');
    assert.equal((await run(['series', '{app="web"}', '-q'], { LOKI_ADDR: s.url })).out, '{app="web", env="prod"}\n');
    const r = await run(['instant-query', 'sum(count_over_time({env="prod"}[5m]))', '-q'], { LOKI_ADDR: s.url });
    assert.equal(r.code, 0, r.err);
    assert.equal((JSON.parse(r.out) as { value: [number, string] }[])[0].value[1], '120');
    const bad = await run(['instant-query', 'sum(', '-q'], { LOKI_ADDR: s.url });
    assert.equal(bad.code, 1);
  });

  it('tail prints history, then live entries, until interrupted', async () => {
    const ctl = new AbortController();
    const io = testIO({ LOKI_ADDR: s.url }, { signal: ctl.signal });
    const done = runSubcommand(['tail', '{app="web"}', '--since=5m', '--limit=2', '-o', 'raw', '-q'], io);
    const waitFor = async (pred: () => boolean) => {
      const end = Date.now() + 5000;
      while (!pred()) {
        if (Date.now() > end) throw new Error(`timed out; stdout: ${io.out.text} stderr: ${io.err.text}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    await waitFor(() => io.out.text.split('\n').length >= 3);
    assert.equal(io.out.text, 'web 28\nweb 29\n');
    assert.equal((await push(s.url, [{ labels: { app: 'web', env: 'prod' }, entries: [{ ts: nowNs(), line: 'live one' }] }], 'json')).status, 204);
    await waitFor(() => io.out.text.includes('live one'));
    ctl.abort();
    assert.equal(await done, 0);
    const refused = await run(['tail', 'sum(rate({app="web"}[1m]))', '-q'], { LOKI_ADDR: s.url });
    assert.equal(refused.code, 1);
    assert.match(refused.err, /Tail failed: error response from server: 400/);
  });

  it('runs as a process: output in a pipe has no colours, exit statuses reach the shell', async () => {
    const exec = (args: string[]) => new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), `${ROOT}src/cli/main.ts`, ...args], { env: { ...process.env, LOKI_ADDR: s.url }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '', err = '';
      child.stdout.on('data', (d: Buffer) => { out += d; });
      child.stderr.on('data', (d: Buffer) => { err += d; });
      child.on('close', (code) => resolve({ code, out, err }));
    });
    const [ok, usage] = await Promise.all([exec(['query', '{app="web"}', '--since=5m', '--limit=3']), exec(['labels', '--frobnicate'])]);
    assert.equal(ok.code, 0, ok.err);
    assert.equal(ok.out.trim().split('\n').length, 3);
    assert.doesNotMatch(ok.out, ANSI);
    assert.equal(usage.code, 2);
    assert.match(usage.err, /unknown long flag '--frobnicate'/);
  });
});

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { pinoLoki } from 'pino-loki';
import winston from 'winston';
import LokiTransport from 'winston-loki';
import { startInProcess, type InProcessSkald } from '../helpers/inproc.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = ['--import', import.meta.resolve('tsx'), `${ROOT}src/cli/main.ts`];
const COUNT = 50;

interface Row { readonly line: string; readonly labels: Record<string, string> }

let skald: InProcessSkald;

before(async () => { skald = await startInProcess(); });
after(async () => { await skald.stop(); });

/** Runs `skald <args>` as a process and collects its output. */
function cli(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...CLI, ...args], { env: { ...process.env, LOKI_ADDR: skald.url }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.on('data', (d: Buffer) => { out += d; });
    child.stderr.on('data', (d: Buffer) => { err += d; });
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

function rows(jsonl: string): Row[] {
  return jsonl.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Row);
}

/** Every entry of the selector, read back with `skald query` as JSON lines. */
async function queryAll(selector: string): Promise<Row[]> {
  const r = await cli(['query', selector, '--since=10m', `--limit=${COUNT * 4}`, '-o', 'jsonl', '-q']);
  assert.equal(r.code, 0, r.err);
  return rows(r.out);
}

/** Polls the HTTP API until count entries match (clients send asynchronously), then gives up. */
async function waitForCount(selector: string, count: number, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  let got = 0;
  while (Date.now() < end) {
    const q = new URLSearchParams({ query: `count_over_time(${selector}[10m])` });
    const res = await fetch(`${skald.url}/loki/api/v1/query?${q}`);
    const body = await res.json() as { data?: { result?: { value: [number, string] }[] } };
    got = (body.data?.result ?? []).reduce((a, r) => a + Number(r.value[1]), 0);
    if (got >= count) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`${selector}: ${got} of ${count} entries arrived`);
}

function assertEachOnce(got: readonly string[], want: readonly string[]): void {
  const counts = new Map<string, number>();
  for (const l of got) counts.set(l, (counts.get(l) ?? 0) + 1);
  for (const w of want) assert.equal(counts.get(w) ?? 0, 1, `line ${JSON.stringify(w)} seen ${counts.get(w) ?? 0} times`);
  assert.equal(got.length, want.length);
}

/** winston-loki's own batcher, reached to check which wire format it really chose (it falls back to JSON without snappy). */
function contentTypeOf(t: LokiTransport): string {
  return (t as unknown as { batcher: { contentType: string } }).batcher.contentType;
}

async function winstonPush(app: string, json: boolean): Promise<string[]> {
  const transport = new LokiTransport({ host: skald.url, json, labels: { app }, interval: 0.1, gracefulShutdown: false, onConnectionError: (e) => assert.fail(String(e)) });
  assert.equal(contentTypeOf(transport), json ? 'application/json' : 'application/x-protobuf');
  const logger = winston.createLogger({ level: 'info', transports: [transport] });
  const want: string[] = [];
  for (let i = 0; i < COUNT; i++) {
    logger.info(`${app} message ${i}`, { seq: i });
    // winston-loki appends the remaining info fields (winston keeps level among them) as JSON.
    want.push(`${app} message ${i} {"seq":${i},"level":"info"}`);
  }
  await new Promise((r) => setImmediate(r));
  await transport.flush();
  await transport.close();
  logger.close();
  return want;
}

describe('real Loki client libraries against Skald', () => {
  for (const json of [true, false]) {
    const app = json ? 'winston-json' : 'winston-protobuf';
    it(`winston-loki (${json ? 'JSON' : 'protobuf'}) lines read back with skald query exactly once`, async () => {
      const want = await winstonPush(app, json);
      await waitForCount(`{app="${app}"}`, COUNT);
      const got = await queryAll(`{app="${app}"}`);
      assertEachOnce(got.map((r) => r.line), want);
      for (const r of got) {
        assert.equal(r.labels.app, app);
        assert.equal(r.labels.level, 'info');
      }
    });
  }

  it('pino-loki lines read back with skald query exactly once', async () => {
    const stream = pinoLoki({ host: skald.url, labels: { app: 'pino' }, batching: { interval: 0.1 } });
    const logger = pino({ level: 'info' }, stream);
    const want: string[] = [];
    for (let i = 0; i < COUNT; i++) {
      logger.info({ seq: i }, `pino message ${i}`);
      want.push(`pino message ${i}`);
    }
    await waitForCount('{app="pino"}', COUNT);
    stream.end();
    const got = await queryAll('{app="pino"}');
    const msgs = got.map((r) => {
      const parsed = JSON.parse(r.line) as { msg: string; seq: number; level: unknown };
      assert.equal(parsed.msg, `pino message ${parsed.seq}`);
      return parsed.msg;
    });
    assertEachOnce(msgs, want);
    for (const r of got) {
      assert.equal(r.labels.app, 'pino');
      assert.equal(r.labels.level, 'info');
    }
  });

  it('skald tail receives lines pushed by winston-loki while it runs', async () => {
    const app = 'winston-tail';
    const tailWant = (await winstonPush(app, true)).slice(-3);
    await waitForCount(`{app="${app}"}`, COUNT);
    const child: ChildProcess = spawn(process.execPath, [...CLI, 'tail', `{app="${app}"}`, '--since=10m', '--limit=3', '-o', 'jsonl', '-q'], {
      env: { ...process.env, LOKI_ADDR: skald.url }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '', err = '';
    child.stdout!.on('data', (d: Buffer) => { out += d; });
    child.stderr!.on('data', (d: Buffer) => { err += d; });
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    const waitFor = async (pred: () => boolean, what: string): Promise<void> => {
      const end = Date.now() + 15_000;
      while (!pred()) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}; stdout: ${out} stderr: ${err}`);
        if (child.exitCode !== null) throw new Error(`tail exited ${child.exitCode}: ${err}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    try {
      // History first: the tail is connected once the last pushed lines are printed.
      await waitFor(() => rows(out).length >= 3, 'history');
      assert.deepEqual(rows(out).map((r) => r.line), tailWant);
      const transport = new LokiTransport({ host: skald.url, json: false, labels: { app }, interval: 0.1, gracefulShutdown: false });
      const logger = winston.createLogger({ transports: [transport] });
      const live = ['live one', 'live two', 'live three'];
      for (const l of live) logger.info(l);
      await new Promise((r) => setImmediate(r));
      await transport.flush();
      await transport.close();
      logger.close();
      await waitFor(() => rows(out).length >= 6, 'live lines');
      assertEachOnce(rows(out).slice(3).map((r) => r.line), live.map((l) => `${l} {"level":"info"}`));
    } finally {
      child.kill('SIGINT');
      await exited;
    }
  });
});

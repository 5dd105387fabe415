import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Comparator, type CanaryReader, type ComparatorOptions } from '../../src/canary/comparator.js';
import { parseCanaryFlags, validateCanaryConfig } from '../../src/canary/flags.js';
import { CanaryMetrics } from '../../src/canary/metrics.js';
import { parseCanaryLine } from '../../src/canary/reader.js';
import { Writer, canaryLine, type EntryWriter } from '../../src/canary/writer.js';
import { runSubcommand } from '../../src/cli/commands/dispatch.js';
import { UsageError } from '../../src/cli/commands/errors.js';
import { BufferSink } from '../../src/cli/commands/io.js';
import { startInProcess, type InProcessSkald } from '../helpers/inproc.js';

const MS = 1_000_000n;
const SEC = 1000n * MS;

/** Current value of a counter or gauge in the canary's registry. */
async function value(m: CanaryMetrics, name: string): Promise<number> {
  const metric = m.registry.getSingleMetric(name);
  assert.ok(metric, name);
  const { values } = await metric.get();
  return values.reduce((sum, v) => sum + v.value, 0);
}

/** Sum and count of the response latency histogram. */
async function latencyCount(m: CanaryMetrics): Promise<number> {
  const { values } = await m.responseLatency.get();
  return values.find((v) => v.metricName === 'loki_canary_response_latency_seconds_count')?.value ?? 0;
}

class FakeReader implements CanaryReader {
  stored = new Set<bigint>();
  queries: { start: bigint; end: bigint }[] = [];
  count = 0;
  async query(start: bigint, end: bigint): Promise<bigint[]> {
    this.queries.push({ start, end });
    return [...this.stored].filter((t) => t >= start && t <= end);
  }
  async countOverTime(): Promise<number> {
    return this.count;
  }
}

const OPTS: ComparatorOptions = {
  waitMs: 10_000, maxWaitMs: 60_000, spotCheckIntervalMs: 5_000, spotCheckMaxMs: 120_000, spotCheckWaitMs: 2_000,
  metricTestRangeMs: 3_600_000, cacheTestRangeMs: 60_000, cacheTestNowMs: 0, writeIntervalMs: 1000,
};

function setup(opts: Partial<ComparatorOptions> = {}) {
  let clock = 1_000_000n * SEC;
  const metrics = new CanaryMetrics(10, false);
  const reader = new FakeReader();
  const logs: string[] = [];
  const c = new Comparator({ ...OPTS, ...opts }, reader, metrics, (m) => logs.push(m), () => clock);
  return { c, metrics, reader, logs, at: () => clock, advance: (ms: number) => { clock += BigInt(ms) * MS; } };
}

describe('skald canary: flags', () => {
  it('uses loki-canary names and defaults, Go flag syntax and LOKI_ADDRESS', () => {
    const d = parseCanaryFlags([], { LOKI_ADDRESS: 'loki:3100' });
    assert.equal(d.addr, 'loki:3100');
    assert.equal(d.intervalMs, 1000);
    assert.equal(d.size, 100);
    assert.equal(d.labelName, 'name');
    assert.equal(d.labelValue, 'loki-canary');
    assert.equal(d.streamName, 'stream');
    assert.equal(d.streamValue, 'stdout');
    assert.equal(d.port, 3500);
    assert.equal(d.waitMs, 60_000);
    assert.equal(d.maxWaitMs, 300_000);
    assert.equal(d.push, false);
    const c = parseCanaryFlags(['-addr=localhost:3100', '--interval', '250ms', '-size=64', '-push', '-tenant-id', 't1', '-user=u', '-pass=p', '-labelvalue=c2', '-tls=false', '-port=0'], {});
    assert.deepEqual([c.addr, c.intervalMs, c.size, c.push, c.tenantId, c.user, c.pass, c.labelValue, c.tls, c.port], ['localhost:3100', 250, 64, true, 't1', 'u', 'p', 'c2', false, 0]);
    assert.equal(validateCanaryConfig(c), undefined);
  });

  it('rejects unknown flags, bad values and bad combinations', () => {
    assert.throws(() => parseCanaryFlags(['-nope'], {}), /flag provided but not defined: -nope/);
    assert.throws(() => parseCanaryFlags(['-interval=soon'], {}), UsageError);
    assert.throws(() => parseCanaryFlags(['-size'], {}), /flag needs an argument/);
    assert.match(validateCanaryConfig(parseCanaryFlags([], {}))!, /Must specify a Loki address/);
    assert.match(validateCanaryConfig(parseCanaryFlags(['-addr=x', '-out-of-order-percentage=101'], {}))!, /between 0 and 100/);
    assert.match(validateCanaryConfig(parseCanaryFlags(['-addr=x', '-ca-file=/ca.pem'], {}))!, /--tls/);
  });

  it('exits 2 on a usage error and 0 on -help', async () => {
    const err = new BufferSink();
    const io = { stdout: new BufferSink(), stderr: err, env: {}, readStdin: async () => '', signal: new AbortController().signal };
    assert.equal(await runSubcommand(['canary', '-bogus'], io), 2);
    assert.equal(await runSubcommand(['canary'], io), 2);
    assert.match(err.text, /Must specify a Loki address/);
    assert.equal(await runSubcommand(['canary', '-help'], io), 0);
    assert.match((io.stdout as BufferSink).text, /-interval duration/);
  });
});

describe('skald canary: entries', () => {
  it('writes lines of the given size that start with their timestamp', () => {
    const line = canaryLine(1_700_000_000_123_456_789n, 100);
    assert.equal(line.length, 99, 'size counts the newline written after the line');
    assert.match(line, /^1700000000123456789 p+$/);
    assert.equal(parseCanaryLine(line), 1_700_000_000_123_456_789n);
    assert.equal(parseCanaryLine(canaryLine(5n, 1)), 5n);
    assert.equal(parseCanaryLine('hello world'), undefined);
    assert.equal(parseCanaryLine('1 2 3'), undefined);
  });

  it('back-dates the requested share of entries between out-of-order-min and -max', () => {
    const written: bigint[] = [];
    const sink: EntryWriter = { write: (ts) => written.push(ts), stop: async () => undefined };
    const sent: bigint[] = [];
    let n = 0;
    const randoms = [0.1, 0.5, 0.9, 0.99];
    const w = new Writer({ intervalMs: 1000, size: 50, outOfOrderPercentage: 50, outOfOrderMinMs: 30_000, outOfOrderMaxMs: 60_000 }, sink, (t) => sent.push(t), () => 1_000n * SEC, () => randoms[n++ % randoms.length]);
    const a = w.tick(); // 0.1*100 < 50: back-dated by floor(0.5*30)+30 = 45s
    const b = w.tick(); // 0.9*100 >= 50: now (+1ns to stay unique)
    assert.equal(a, 1_000n * SEC - 45n * SEC);
    assert.equal(b, 1_000n * SEC + 1n);
    assert.deepEqual(sent, written);
  });
});

describe('skald canary: bookkeeping', () => {
  it('acknowledges entries received in order and observes their latency', async () => {
    const { c, metrics, advance, at } = setup();
    const t1 = at(); c.entrySent(t1);
    advance(1000); const t2 = at(); c.entrySent(t2);
    advance(500);
    c.entryReceived(t1);
    c.entryReceived(t2);
    assert.equal(c.pendingCount, 0);
    assert.equal(await value(metrics, 'loki_canary_entries_total'), 2);
    assert.equal(await value(metrics, 'loki_canary_out_of_order_entries_total'), 0);
    assert.equal(await latencyCount(metrics), 2);
  });

  it('counts an entry arriving before older pending ones as out of order', async () => {
    const { c, metrics, advance, at, logs } = setup();
    const t1 = at(); c.entrySent(t1);
    advance(1000); const t2 = at(); c.entrySent(t2);
    c.entryReceived(t2);
    c.entryReceived(t1);
    assert.equal(await value(metrics, 'loki_canary_out_of_order_entries_total'), 1);
    assert.match(logs[0], /out of order entry/);
  });

  it('counts a second arrival as duplicate and a never-sent one as unexpected', async () => {
    const { c, metrics, at } = setup();
    const t = at(); c.entrySent(t);
    c.entryReceived(t);
    c.entryReceived(t);
    c.entryReceived(t + 42n);
    assert.equal(await value(metrics, 'loki_canary_duplicate_entries_total'), 1);
    assert.equal(await value(metrics, 'loki_canary_unexpected_entries_total'), 1);
  });

  it('turns entries late on the websocket into queries; found ones are not missing, the rest are after max-wait', async () => {
    const { c, metrics, reader, advance, at } = setup();
    const found = at(); c.entrySent(found);
    advance(1000); const lost = at(); c.entrySent(lost);
    reader.stored.add(found);
    advance(10_500);
    await c.pruneEntries();
    assert.equal(await value(metrics, 'loki_canary_websocket_missing_entries_total'), 2);
    assert.equal(c.missingCount, 1, 'the stored entry was found by query');
    assert.equal(reader.queries[0].start, found - 10n * SEC);
    assert.equal(reader.queries[0].end, lost + 10n * SEC);
    assert.equal(await value(metrics, 'loki_canary_missing_entries_total'), 0);
    advance(60_000);
    await c.pruneEntries();
    assert.equal(await value(metrics, 'loki_canary_missing_entries_total'), 1);
    assert.equal(c.missingCount, 0);
    // Arriving after being given up on, it is unexpected.
    c.entryReceived(lost);
    assert.equal(await value(metrics, 'loki_canary_unexpected_entries_total'), 1);
  });

  it('keeps acknowledged entries for duplicate detection only for the wait period', async () => {
    const { c, metrics, advance, at } = setup();
    const t = at(); c.entrySent(t); c.entryReceived(t);
    advance(11_000);
    await c.pruneEntries();
    c.entryReceived(t);
    assert.equal(await value(metrics, 'loki_canary_duplicate_entries_total'), 0);
    assert.equal(await value(metrics, 'loki_canary_unexpected_entries_total'), 1);
  });

  it('spot-checks one entry per spot-check interval after the initial wait, until spot-check-max', async () => {
    const { c, metrics, reader, advance, at } = setup();
    const a = at(); c.entrySent(a);
    advance(1000); c.entrySent(at()); // within the interval: not sampled
    advance(5000); const b = at(); c.entrySent(b);
    reader.stored.add(a);
    await c.spotCheckEntries(); // b is younger than the initial wait
    assert.equal(await value(metrics, 'loki_canary_spot_check_entries_total'), 1);
    advance(2000);
    await c.spotCheckEntries();
    assert.equal(await value(metrics, 'loki_canary_spot_check_entries_total'), 3);
    assert.equal(await value(metrics, 'loki_canary_spot_check_missing_entries_total'), 1, 'b is not stored');
    advance(200_000);
    await c.spotCheckEntries();
    assert.equal(await value(metrics, 'loki_canary_spot_check_entries_total'), 3, 'old samples are dropped');
    assert.equal(b > a, true);
  });

  it('compares count_over_time with the entries written over the canary lifetime', async () => {
    const { c, metrics, reader, advance } = setup();
    advance(30_000);
    reader.count = 29;
    await c.metricTest();
    assert.equal(await value(metrics, 'loki_canary_metric_test_expected'), 30);
    assert.equal(await value(metrics, 'loki_canary_metric_test_actual'), 29);
  });
});

describe('skald canary against a Skald server', () => {
  let s: InProcessSkald;
  before(async () => {
    s = await startInProcess('limits_config:\n  discover_service_name: []\n  discover_log_levels: false\n');
  });
  after(() => s.stop());

  it('writes, tails, spot-checks and reports no loss over a few seconds', async () => {
    const ctl = new AbortController();
    const out = new BufferSink();
    const err = new BufferSink();
    const io = { stdout: out, stderr: err, env: {}, readStdin: async () => '', signal: ctl.signal };
    const addr = s.url.replace('http://', '');
    const done = runSubcommand(['canary', `-addr=${addr}`, '-push', '-port=0', '-interval=50ms', '-size=80', '-wait=1s', '-max-wait=2s',
      '-pruneinterval=500ms', '-spot-check-interval=200ms', '-spot-check-initial-wait=300ms', '-spot-check-query-rate=400ms',
      '-metric-test-interval=1s', '-metric-test-range=1h', '-cache-test-interval=1s', '-cache-test-now=0s', '-cache-test-range=1m'], io);
    const waitFor = async (pred: () => boolean, ms: number) => {
      const end = Date.now() + ms;
      while (!pred()) {
        if (Date.now() > end) throw new Error(`timed out; stderr: ${err.text.slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    await waitFor(() => /serving metrics on :(\d+)/.test(err.text), 5000);
    const port = /serving metrics on :(\d+)/.exec(err.text)![1];
    // Runs until every check has had its turn (a few seconds; longer on a loaded machine), then stops.
    let text = '';
    const metric = (name: string): number => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
    const progressed = (): boolean => metric('loki_canary_entries_total') >= 60 && metric('loki_canary_response_latency_seconds_count') >= 40
      && metric('loki_canary_spot_check_entries_total') > 0 && metric('loki_canary_metric_test_actual') > 0;
    const deadline = Date.now() + 30_000;
    do {
      await new Promise((r) => setTimeout(r, 500));
      text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    } while (!progressed() && Date.now() < deadline);
    ctl.abort();
    assert.equal(await done, 0);
    assert.ok(progressed(), text);
    assert.equal(metric('loki_canary_missing_entries_total'), 0, err.text);
    assert.equal(metric('loki_canary_out_of_order_entries_total'), 0);
    assert.equal(metric('loki_canary_duplicate_entries_total'), 0);
    assert.equal(metric('loki_canary_unexpected_entries_total'), 0);
    assert.ok(metric('loki_canary_spot_check_entries_total') > 0);
    assert.equal(metric('loki_canary_spot_check_missing_entries_total'), 0);
    assert.ok(metric('loki_canary_metric_test_actual') > 0);
    assert.equal(metric('loki_canary_cache_test_query_results_diff_count'), 0);
    assert.match(text, /^loki_canary_websocket_missing_entries_total \d+$/m);
    assert.match(text, /^process_cpu_seconds_total/m);
    // Entries are in the server, under loki-canary's labels.
    const q = new URLSearchParams({ query: '{stream="stdout",name="loki-canary"}', limit: '1000', since: '1m' });
    const body = await (await fetch(`${s.url}/loki/api/v1/query_range?${q}`)).json() as { data: { result: { values: string[][] }[] } };
    const lines = body.data.result.flatMap((r) => r.values.map((v) => v[1]));
    assert.ok(lines.length >= metric('loki_canary_entries_total') - 2);
    assert.ok(lines.every((l) => l.length === 79 && parseCanaryLine(l) !== undefined));
  });
});

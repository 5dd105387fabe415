import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { columnsOf, type StreamEntries } from '../model/entry.js';
import { labelsFromRecord, labelsToString, type Labels } from '../model/labels.js';
import { LabelMatcher } from '../model/matcher.js';
import { IDENTITY_PIPELINE, plainResultLabels } from '../querier/identity-pipeline.js';
import { encodeLegacyTailFrame, encodeTailFrame, type TailEntry } from './encode.js';
import { TailHub } from './hub.js';
import { parseTailParams } from './params.js';
import { TailSession, type TailSocket } from './session.js';

const S = 1_000_000_000n;

function streamOf(labels: Record<string, string>, entries: [bigint, string][], metadata: Labels = []): StreamEntries {
  const ls = labelsFromRecord(labels);
  return { labels: ls, key: labelsToString(ls), entries: columnsOf(entries.map(([ts, line]) => ({ ts, line: Buffer.from(line), metadata }))) };
}

class FakeSocket implements TailSocket {
  bufferedAmount = 0;
  readonly frames: { streams: { stream: Record<string, string>; values: string[][] }[]; dropped_entries?: unknown[] }[] = [];
  pings = 0;
  closed: [number, string] | undefined;
  send(data: string): void { this.frames.push(JSON.parse(data)); }
  ping(): void { this.pings++; }
  close(code: number, reason: string): void { this.closed = [code, reason]; }
  terminate(): void { this.closed ??= [1006, '']; }
  lines(): string[] { return this.frames.flatMap((f) => f.streams.flatMap((s) => s.values.map((v) => v[1]))); }
}

const tick = () => new Promise((r) => setImmediate(r));

function session(socket: FakeSocket, now: () => bigint, extra: Partial<ConstructorParameters<typeof TailSession>[1]> = {}) {
  return new TailSession(socket, {
    matchers: [new LabelMatcher('app', '=', 'api')], pipeline: IDENTITY_PIPELINE, categorize: false, legacy: false,
    delayForSec: 0, maxDurationMs: 0, serving: () => true, now, ...extra,
  });
}

describe('TailHub', () => {
  it('delivers matching streams per tenant and forgets unsubscribed listeners', () => {
    const hub = TailHub.for({});
    const got: string[] = [];
    const failed: string[] = [];
    const off = hub.subscribe('a', { matchers: [new LabelMatcher('app', '=', 'api')], onStream: (s) => got.push(s.key), fail: (m) => failed.push(`api: ${m}`) });
    hub.subscribe('a', { matchers: [], onStream: () => { throw new Error('boom'); }, fail: (m) => failed.push(m) });
    hub.publish('a', [streamOf({ app: 'api' }, [[1n, 'x']]), streamOf({ app: 'web' }, [[1n, 'y']])]);
    hub.publish('b', [streamOf({ app: 'api' }, [[1n, 'z']])]);
    assert.deepEqual(got, ['{app="api"}']);
    // The throwing tail is told to end (once per stream it saw); the push and the other tail go on.
    assert.deepEqual(failed, ['boom', 'boom']);
    assert.equal(hub.count('a'), 2);
    off();
    assert.equal(hub.count('a'), 1);
    const owner = {};
    assert.equal(TailHub.for(owner), TailHub.for(owner));
    assert.notEqual(TailHub.for(owner), TailHub.for({}));
  });
});

describe('TailSession', () => {
  it('sends history first, then live entries, without duplicates', async () => {
    const sock = new FakeSocket();
    const now = 100n * S;
    const s = session(sock, () => now);
    const hist: TailEntry[] = [{ ts: 10n * S, line: 'h1', labels: plainResultLabels(labelsFromRecord({ app: 'api' })) }];
    let release!: (v: TailEntry[]) => void;
    const run = s.run(() => new Promise((r) => { release = r; }), () => undefined);
    s.onStream(streamOf({ app: 'api' }, [[10n * S, 'h1'], [20n * S, 'live1']]));
    release(hist);
    await run;
    s.onStream(streamOf({ app: 'api' }, [[30n * S, 'live2']]));
    await tick();
    assert.deepEqual(sock.lines(), ['h1', 'live1', 'live2']);
    assert.deepEqual(sock.frames[0].streams[0].stream, { app: 'api' });
    s.stop();
  });

  it('holds entries back for delay_for and releases them in time order', async () => {
    const sock = new FakeSocket();
    let now = 100n * S;
    const s = session(sock, () => now, { delayForSec: 2 });
    await s.run(async () => [], () => undefined);
    s.onStream(streamOf({ app: 'api' }, [[99n * S, 'b'], [97n * S, 'a']]));
    s.flush();
    assert.deepEqual(sock.lines(), ['a']);
    now = 102n * S;
    s.flush();
    assert.deepEqual(sock.lines(), ['a', 'b']);
    s.stop();
  });

  it('sends at most 100 entries per frame', async () => {
    const sock = new FakeSocket();
    const s = session(sock, () => 1000n * S);
    await s.run(async () => [], () => undefined);
    s.onStream(streamOf({ app: 'api' }, Array.from({ length: 250 }, (_, i): [bigint, string] => [BigInt(i + 1) * S, `l${i}`])));
    s.flush();
    assert.deepEqual(sock.frames.map((f) => f.streams.length), [100, 100, 50]);
    s.stop();
  });

  it('drops entries for a slow client and reports them in the next frame', async () => {
    const sock = new FakeSocket();
    const s = session(sock, () => 1000n * S);
    await s.run(async () => [], () => undefined);
    sock.bufferedAmount = 10 << 20;
    s.onStream(streamOf({ app: 'api' }, [[1n * S, 'lost']]));
    s.flush();
    assert.equal(sock.frames.length, 0);
    sock.bufferedAmount = 0;
    s.onStream(streamOf({ app: 'api' }, [[2n * S, 'kept']]));
    s.flush();
    assert.deepEqual(sock.frames[0].dropped_entries, [{ labels: { app: 'api' }, timestamp: String(1n * S) }]);
    s.stop();
  });

  it('closes with 1011 when the history fails and unsubscribes', async () => {
    const sock = new FakeSocket();
    let stopped = false;
    const s = session(sock, () => 1n);
    await s.run(async () => { throw new Error('store down'); }, () => { stopped = true; });
    assert.deepEqual(sock.closed, [1011, 'store down']);
    assert.ok(stopped);
  });
});

describe('tail frames and parameters', () => {
  const labels = plainResultLabels(labelsFromRecord({ app: 'api' }));
  const withMeta = { ...labels, all: labelsFromRecord({ app: 'api', trace: 't1' }), structuredMetadata: labelsFromRecord({ trace: 't1' }) };

  it('encodes v1, categorized and legacy frames', () => {
    assert.equal(encodeTailFrame([{ ts: 5n, line: '<a>', labels: withMeta }], [], false), '{"streams":[{"stream":{"app":"api","trace":"t1"},"values":[["5","\\u003ca\\u003e"]]}]}');
    assert.equal(encodeTailFrame([{ ts: 5n, line: 'x', labels: withMeta }], [{ ts: 4n, labels: labels.all }], true),
      '{"streams":[{"stream":{"app":"api"},"values":[["5","x",{"structuredMetadata":{"trace":"t1"}}]]}],"dropped_entries":[{"labels":{"app":"api"},"timestamp":"4"}],"encodingFlags":["categorize-labels"]}');
    assert.equal(encodeLegacyTailFrame([{ ts: 1_767_225_600_000_000_001n, line: 'x', labels }], []), '{"streams":[{"labels":"{app=\\"api\\"}","entries":[{"ts":"2026-01-01T00:00:00.000000001Z","line":"x"}]}]}');
  });

  it('validates parameters like Loki', () => {
    const p = parseTailParams(new URLSearchParams({ query: '{app="api"}', delay_for: '5', limit: '7' }));
    assert.equal(p.limit, 7);
    assert.equal(p.delayForSec, 5);
    for (const [q, msg] of [
      [{ query: '{app="api"}', delay_for: '6' }, "delay_for can't be greater than 5"],
      [{ query: '{app="api"}', delay_for: '-1' }, "delay_for can't be greater than 5"],
      [{ query: 'rate({app="api"}[1m])' }, 'only log selector is supported'],
    ] as const) {
      assert.throws(() => parseTailParams(new URLSearchParams(q)), (e: Error & { status: number }) => e.status === 400 && e.message === msg);
    }
    assert.equal(parseTailParams(new URLSearchParams({ query: '{app="api"}', regexp: 'err' })).selector.pipeline.length, 1);
  });
});

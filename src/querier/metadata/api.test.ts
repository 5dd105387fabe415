import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MetadataApi, TENANT_LABEL } from './api.js';
import { fakeSources, S } from './test-util.js';

const T0 = 1_767_225_600n * S;
const b = { start: T0 - S, end: T0 + 60n * S };

function api() {
  const f = fakeSources();
  f.ingester.push('a', { app: 'api' }, [[T0, 'hello']]);
  f.ingester.push('b', { app: 'web' }, [[T0, 'hi']]);
  const querier = { logQuery: () => Promise.reject(new Error('not used')) };
  return new MetadataApi(f.src, querier);
}

describe('MetadataApi across tenants', () => {
  it('merges tenants and tells them apart with __tenant_id__', async () => {
    const m = api();
    assert.deepEqual(await m.labelNames(['a'], b, []), ['app']);
    assert.deepEqual(await m.labelNames(['a', 'b'], b, []), [TENANT_LABEL, 'app']);
    assert.deepEqual(await m.labelValues(['a', 'b'], 'app', b, [], true), ['api', 'web']);
    assert.deepEqual(await m.labelValues(['a', 'b'], TENANT_LABEL, b, [], true), ['a', 'b']);
    assert.deepEqual(await m.labelValues(['a'], TENANT_LABEL, b, [], false), []);
    const series = await m.series(['a', 'b'], b, []);
    assert.deepEqual(series.map((ls) => ls.map((l) => `${l.name}=${l.value}`).join(',')), [`${TENANT_LABEL}=a,app=api`, `${TENANT_LABEL}=b,app=web`]);
    assert.deepEqual(await m.stats(['a', 'b'], b, []), { streams: 2, chunks: 2, bytes: 7, entries: 2 });
  });

  it('limits volumes and checks volume_max_series', async () => {
    const m = api();
    const q = { from: b.start, through: b.end, matchers: null, targetLabels: [], aggregateBy: 'series' as const };
    assert.deepEqual((await m.volume(['a', 'b'], q, { limit: 1, maxSeries: 0 })).map((v) => [v.name, v.volume]), [['{app="api"}', 5]]);
    await assert.rejects(m.volume(['a', 'b'], q, { limit: 10, maxSeries: 1 }), /the query hit the max number of series limit \(limit: 1 series\)/);
  });

  it('answers volume_range per step bucket', async () => {
    const f = fakeSources();
    f.ingester.push('a', { app: 'api' }, [[T0 + 10n * S, '12345'], [T0 + 70n * S, '12345']]);
    const m = new MetadataApi(f.src, { logQuery: () => Promise.reject(new Error('not used')) });
    const q = { from: T0, through: T0 + 120n * S, matchers: null, targetLabels: [], aggregateBy: 'series' as const };
    const range = await m.volumeRange(['a'], q, 60_000, { limit: 10, maxSeries: 0 });
    // 10 bytes spread over 60 s: 49/60 of them in the first bucket, 10/60 in the second (ends 1 ms early, cut to seconds).
    assert.deepEqual(range.map((s) => s.points.map((p) => [p.ts, p.volume])), [[[T0, 8], [T0 + 60n * S, 1]]]);
  });
});

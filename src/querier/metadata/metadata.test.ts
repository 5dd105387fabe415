import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { labelsFromRecord } from '../../model/labels.js';
import { LabelMatcher } from '../../model/matcher.js';
import { labelNames, labelValues } from './labels.js';
import { series } from './series.js';
import { indexStats } from './stats.js';
import { fakeSources, S } from './test-util.js';
import { collectVolumes, topVolumes, type VolumeQuery, type Volumes } from './volume.js';

const T0 = 1_767_225_600n * S; // 2026-01-01T00:00:00Z
const MIN = 60n * S;
const eq = (n: string, v: string) => new LabelMatcher(n, '=', v);

/** Two tenants: `a` has api (00:00–00:10, 10 × 10 bytes) and web (00:50–01:00); `b` has secret. */
function setup() {
  const f = fakeSources();
  const api = Array.from({ length: 11 }, (_, i) => [T0 + BigInt(i) * MIN, 'x'.repeat(10)] as const);
  f.ingester.push('a', { app: 'api', env: 'prod' }, api);
  f.ingester.push('a', { app: 'web', env: 'dev' }, [[T0 + 50n * MIN, 'hello'], [T0 + 60n * MIN, 'world']]);
  f.ingester.push('b', { app: 'secret', team: 'x' }, [[T0, 'nope']]);
  return f;
}

const whole = { start: T0, end: T0 + 120n * MIN };

describe('labels and label values', () => {
  it('list in-memory names and values whatever the range, and honour matchers', async () => {
    const { src } = setup();
    const late = { start: T0 + 100n * MIN, end: T0 + 110n * MIN };
    assert.deepEqual(await labelNames(src, 'a', late, []), ['app', 'env']);
    assert.deepEqual(await labelValues(src, 'a', 'app', late, []), ['api', 'web']);
    assert.deepEqual(await labelValues(src, 'a', 'app', whole, [eq('env', 'dev')]), ['web']);
    assert.deepEqual(await labelNames(src, 'a', whole, [eq('app', 'nope')]), []);
  });

  it('keep tenants apart', async () => {
    const { src } = setup();
    assert.deepEqual(await labelNames(src, 'b', whole, []), ['app', 'team']);
    assert.deepEqual(await labelValues(src, 'b', 'app', whole, []), ['secret']);
    assert.deepEqual(await labelValues(src, 'c', 'app', whole, []), []);
  });

  it('honour the range for flushed data', async () => {
    const { src, ingester, index } = setup();
    await ingester.flushTo(index);
    assert.deepEqual(await labelValues(src, 'a', 'app', { start: T0 + 30n * MIN, end: T0 + 40n * MIN }, []), []);
    assert.deepEqual(await labelValues(src, 'a', 'app', { start: T0 + 55n * MIN, end: T0 + 70n * MIN }, []), ['web']);
    assert.deepEqual(await labelNames(src, 'a', whole, []), ['app', 'env']);
    assert.deepEqual(await labelNames(src, 'b', whole, []), ['app', 'team']);
  });
});

describe('series', () => {
  for (const flushed of [false, true]) {
    it(`honours the range and OR-s groups (${flushed ? 'index' : 'memory'})`, async () => {
      const { src, ingester, index } = setup();
      if (flushed) await ingester.flushTo(index);
      const keys = async (b: { start: bigint; end: bigint }, groups: LabelMatcher[][]) => (await series(src, 'a', b, groups)).map((l) => l.map((x) => x.value).join('/'));
      assert.deepEqual(await keys(whole, []), ['api/prod', 'web/dev']);
      assert.deepEqual(await keys({ start: T0 + 20n * MIN, end: T0 + 30n * MIN }, []), []);
      assert.deepEqual(await keys({ start: T0 + 10n * MIN, end: T0 + 20n * MIN }, []), ['api/prod']);
      assert.deepEqual(await keys(whole, [[eq('app', 'web')], [eq('env', 'prod')]]), ['api/prod', 'web/dev']);
      assert.deepEqual(await keys(whole, [[new LabelMatcher('app', '=~', '.*')]]), ['api/prod', 'web/dev']);
      assert.deepEqual((await series(src, 'b', whole, [])).map((l) => l.length), [2]);
    });
  }

  it('treats the range end as exclusive for in-memory streams', async () => {
    const { src } = setup();
    assert.deepEqual(await series(src, 'a', { start: T0 - MIN, end: T0 }, []), []);
    assert.equal((await series(src, 'a', { start: T0 - MIN, end: T0 + 1n }, [])).length, 1);
  });
});

describe('index stats', () => {
  for (const flushed of [false, true]) {
    it(`counts in proportion to the overlapped time span (${flushed ? 'index' : 'memory'})`, async () => {
      const { src, ingester, index } = setup();
      if (flushed) await ingester.flushTo(index);
      assert.deepEqual(await indexStats(src, 'a', whole, [eq('app', 'api')]), { streams: 1, chunks: 1, bytes: 110, entries: 11 });
      assert.deepEqual(await indexStats(src, 'a', { start: T0, end: T0 + 5n * MIN }, [eq('app', 'api')]), { streams: 1, chunks: 1, bytes: 55, entries: 5 });
      assert.deepEqual(await indexStats(src, 'a', whole, [eq('app', 'nope')]), { streams: 0, chunks: 0, bytes: 0, entries: 0 });
      assert.deepEqual(await indexStats(src, 'b', whole, [eq('app', 'api')]), { streams: 0, chunks: 0, bytes: 0, entries: 0 });
    });
  }
});

describe('volume', () => {
  const run = async (src: ReturnType<typeof setup>['src'], q: Partial<VolumeQuery>, tenant = 'a') => {
    const into: Volumes = new Map();
    await collectVolumes(src, tenant, { from: whole.start, through: whole.end, matchers: null, targetLabels: [], aggregateBy: 'series', ...q }, into);
    return topVolumes(into, 100).map((v) => [v.name, v.volume]);
  };

  for (const flushed of [false, true]) {
    it(`groups by the matchers' labels, target labels or label names (${flushed ? 'index' : 'memory'})`, async () => {
      const { src, ingester, index } = setup();
      if (flushed) await ingester.flushTo(index);
      assert.deepEqual(await run(src, { matchers: [new LabelMatcher('app', '=~', '.+')] }), [['{app="api"}', 110], ['{app="web"}', 10]]);
      assert.deepEqual(await run(src, {}), [['{app="api", env="prod"}', 110], ['{app="web", env="dev"}', 10]]);
      assert.deepEqual(await run(src, { matchers: [eq('app', 'api')], aggregateBy: 'labels' }), [['app', 110], ['env', 110]]);
      assert.deepEqual(await run(src, { matchers: [eq('app', 'web')], targetLabels: ['env'] }), [['{env="dev"}', 10]]);
      assert.deepEqual(await run(src, { matchers: [eq('app', 'api')], from: T0, through: T0 + 5n * MIN }), [['{app="api"}', 55]]);
      assert.deepEqual(await run(src, { matchers: [eq('app', 'api')] }, 'b'), []);
    });
  }

  it('sorts by volume, then name, and cuts at the limit', () => {
    const v: Volumes = new Map([['b', { name: 'b', labels: labelsFromRecord({ x: 'b' }), volume: 5 }], ['a', { name: 'a', labels: [], volume: 5 }], ['c', { name: 'c', labels: [], volume: 9 }]]);
    assert.deepEqual(topVolumes(v, 2).map((x) => x.name), ['c', 'a']);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { factorOfTime } from './chunks.js';
import { parseMatchers } from './matchers.js';
import { parseDetectedFieldsParams, parseMetaBounds, parseVolumeParams, seriesMatchGroups } from './params.js';
import { detectFieldType, isUuid } from './value-types.js';
import { volumeBuckets } from './volume.js';

const P = (q: Record<string, string | string[]>) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, x);
  return p;
};
const throwsWith = (f: () => unknown, message: string | RegExp) => assert.throws(f, (e: Error & { status?: number }) => {
  assert.equal(e.status, 400);
  if (typeof message === 'string') assert.equal(e.message, message);
  else assert.match(e.message, message);
  return true;
});

describe('parseMatchers', () => {
  it('accepts bare selectors and refuses pipelines and metric queries', () => {
    assert.deepEqual(parseMatchers('{app="a", env!="b"}', true).map((m) => `${m.name}${m.type}${m.value}`), ['app=a', 'env!=b']);
    throwsWith(() => parseMatchers('{app="a"} |= "x"', true), 'only label matchers are supported');
    throwsWith(() => parseMatchers('rate({app="a"}[1m])', false), 'only label matchers are supported');
    throwsWith(() => parseMatchers('{app=', true), /^parse error/);
  });

  it('allows empty-compatible matchers only without validation (series)', () => {
    throwsWith(() => parseMatchers('{app=~".*"}', true), /empty-compatible/);
    assert.equal(parseMatchers('{app=~".*"}', false).length, 1);
    assert.equal(parseMatchers('{}', false).length, 0);
  });
});

describe('metadata parameters', () => {
  it('checks bounds and collects match groups', () => {
    throwsWith(() => parseMetaBounds(P({ start: '20', end: '10' })), 'end timestamp must not be before or equal to start time');
    assert.deepEqual(seriesMatchGroups(P({ 'match[]': ['{b="1"}', '{a="1"}'], match: '{b="1"}' })), ['{a="1"}', '{b="1"}']);
    assert.deepEqual(seriesMatchGroups(P({ 'match[]': '{ }' })), []);
  });

  it('reads volume parameters like Loki', () => {
    const v = parseVolumeParams(P({ query: '{a="b"}', limit: '0', targetLabels: 'x,y', start: '10', end: '20' }), false);
    assert.equal(v.limit, 100);
    assert.deepEqual(v.targetLabels, ['x', 'y']);
    assert.equal(v.aggregateBy, 'series');
    throwsWith(() => parseVolumeParams(P({ limit: '-1' }), false), 'limit must be a positive value');
    throwsWith(() => parseVolumeParams(P({ limit: 'x' }), false), 'strconv.Atoi: parsing "x": invalid syntax');
    throwsWith(() => parseVolumeParams(P({ aggregateBy: 'pods' }), false), 'invalid aggregation option');
    assert.equal(parseVolumeParams(P({ start: '0', end: '3600' }), true).stepMs, 14_000);
  });

  it('reads detected-fields limits', () => {
    const d = parseDetectedFieldsParams(P({ field_limit: '7' }));
    assert.equal(d.limit, 7);
    assert.equal(d.lineLimit, 100);
    assert.equal(parseDetectedFieldsParams(P({ limit: '3', field_limit: '7', line_limit: '5' })).limit, 3);
    throwsWith(() => parseDetectedFieldsParams(P({ line_limit: '0' })), 'limit must be a positive value');
  });
});

describe('time shares and buckets', () => {
  it('computes Loki\'s factor of time', () => {
    assert.equal(factorOfTime(0n, 20n, 0n, 120n), 20 / 120);
    assert.equal(factorOfTime(0n, 200n, 10n, 120n), 1);
    assert.equal(factorOfTime(50n, 60n, 55n, 55n), 1);
    assert.equal(factorOfTime(130n, 200n, 0n, 120n), 0);
  });

  it('splits volume_range into step-aligned buckets with inclusive ends', () => {
    const ms = 1_000_000n;
    assert.deepEqual(volumeBuckets(500n * ms, 2500n * ms, 1000), [
      { start: 500n * ms, end: 999n * ms }, { start: 1000n * ms, end: 1999n * ms }, { start: 2000n * ms, end: 2500n * ms },
    ]);
  });
});

describe('value types', () => {
  it('types values in Loki\'s order', () => {
    assert.equal(detectFieldType('42'), 'int');
    assert.equal(detectFieldType('4.2'), 'float');
    assert.equal(detectFieldType('true'), 'boolean');
    assert.equal(detectFieldType('1h30m'), 'duration');
    assert.equal(detectFieldType('10KB'), 'bytes');
    assert.equal(detectFieldType('hello'), 'string');
  });

  it('recognises UUIDs', () => {
    assert.ok(isUuid('123e4567-e89b-12d3-a456-426614174000'));
    assert.ok(!isUuid('pod-123'));
  });
});

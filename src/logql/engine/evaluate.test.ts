import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluate } from './evaluate.js';
import { matrixOf, memoryContext, memorySeries, query, runInstant, runRange, sec, vectorOf, type TestEntry } from './test-util.js';

const T0 = 1_700_000_000;
const at = (s: number): TestEntry => ({ ts: sec(T0 + s), line: 'x' });
const pods = ['c', 'a', 'd', 'b'].map((p, i) => memorySeries({ app: 'api', pod: p }, Array.from({ length: i + 1 }, (_, j) => at(j + 1))));

describe('evaluate', () => {
  it('literal queries: scalar when instant, a {} series at every step for ranges', async () => {
    const inst = await evaluate(query('1 + 1'), { start: sec(T0), end: sec(T0), stepMs: 0, instant: true }, memoryContext([]));
    assert.deepEqual(inst.type === 'scalar' && inst.value, 2);
    assert.deepEqual(matrixOf(await runRange([], '2 * 3', T0, T0 + 60, 30)), { '{}': [[T0, 6], [T0 + 30, 6], [T0 + 60, 6]] });
  });

  it('1 == 1 yields 1, division by zero NaN', async () => {
    const one = await evaluate(query('1 == 1'), { start: sec(T0), end: sec(T0), stepMs: 0, instant: true }, memoryContext([]));
    assert.equal(one.type === 'scalar' && one.value, 1);
    const nan = await evaluate(query('0 / 0'), { start: sec(T0), end: sec(T0), stepMs: 0, instant: true }, memoryContext([]));
    assert.ok(nan.type === 'scalar' && Number.isNaN(nan.value));
  });

  it('vector() gives one unlabelled sample per step', async () => {
    assert.deepEqual(vectorOf(await runInstant([], 'vector(3)', T0)), [['{}', 3]]);
    assert.deepEqual(matrixOf(await runRange([], 'vector(3)', T0, T0 + 20, 10))['{}'].length, 3);
  });

  it('instant vectors are sorted by labels, also after topk', async () => {
    const v = vectorOf(await runInstant(pods, 'topk(3, count_over_time({app="api"}[1m]))', T0 + 30));
    assert.deepEqual(v, [['{app="api", pod="a"}', 2], ['{app="api", pod="b"}', 4], ['{app="api", pod="d"}', 3]]);
  });

  it('sort/sort_desc anywhere keep the evaluation order', async () => {
    const v = vectorOf(await runInstant(pods, 'sort_desc(count_over_time({app="api"}[1m]))', T0 + 30));
    assert.deepEqual(v.map(([, x]) => x), [4, 3, 2, 1]);
    const w = vectorOf(await runInstant(pods, 'sort(count_over_time({app="api"}[1m])) * 2', T0 + 30));
    assert.deepEqual(w.map(([, x]) => x), [2, 4, 6, 8]);
  });

  it('matrix series are sorted by labels, points by time', async () => {
    const m = await runRange(pods, 'count_over_time({app="api"}[1s])', T0, T0 + 4, 1);
    assert.ok(m.type === 'matrix');
    assert.deepEqual(m.series.map((s) => s.key), ['{app="api", pod="a"}', '{app="api", pod="b"}', '{app="api", pod="c"}', '{app="api", pod="d"}']);
    assert.deepEqual(m.series[1].timestampsMs, [1, 2, 3, 4].map((s) => (T0 + s) * 1000));
  });

  it('max_query_series counts distinct output series', async () => {
    await assert.rejects(runRange(pods, 'count_over_time({app="api"}[1s])', T0, T0 + 4, 1, { maxSeries: 3 }), {
      status: 400, message: 'maximum of series (3) reached for a single query',
    });
    await assert.rejects(runInstant(pods, 'count_over_time({app="api"}[1m])', T0 + 30, { maxSeries: 2 }), { status: 400 });
    assert.deepEqual(vectorOf(await runInstant(pods, 'sum(count_over_time({app="api"}[1m]))', T0 + 30, { maxSeries: 1 })), [['{}', 10]]);
  });

  it('series sharing labels after label_replace merge into one', async () => {
    const m = await runRange(pods.slice(0, 2), 'label_replace(count_over_time({app="api"}[1m]), "pod", "", "pod", ".*")', T0 + 30, T0 + 30, 10);
    assert.ok(m.type === 'matrix');
    assert.equal(m.series.length, 1);
    assert.deepEqual(m.series[0].values.sort(), [1, 2]);
  });

  it('approx_topk fails with 500 before reading data', async () => {
    let compiled = false;
    const ctx = memoryContext(pods, { extractor: () => { compiled = true; throw new Error('unreachable'); } });
    await assert.rejects(evaluate(query('approx_topk(2, sum by (pod) (count_over_time({app="api"}[1m])))'), { start: sec(T0), end: sec(T0), stepMs: 0, instant: true }, ctx), { status: 500 });
    assert.equal(compiled, false);
  });

  it('reports what it read', async () => {
    const r = await runInstant(pods, 'count_over_time({app="api"}[1m])', T0 + 30);
    assert.equal(r.stats.decompressedLines, 10);
    assert.equal(r.stats.chunksRead, 4);
  });

  it('a range query without steps has an empty matrix', async () => {
    assert.deepEqual(matrixOf(await runRange(pods, 'count_over_time({app="api"}[1m])', T0 + 10, T0, 1)), {});
  });
});

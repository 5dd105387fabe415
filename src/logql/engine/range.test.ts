import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClientClosedError, HttpError } from '../../util/errors.js';
import type { RangeAggregation } from '../syntax/ast.js';
import { streamsMayMerge } from './range-window.js';
import { matrixOf, memorySeries, query, runInstant, runRange, sec, vectorOf, type TestEntry } from './test-util.js';

const T0 = 1_700_000_000;
const at = (s: number, line = 'x', metadata?: Record<string, string>): TestEntry => ({ ts: sec(T0 + s), line, metadata });

describe('range aggregation windows', () => {
  const api = memorySeries({ app: 'api', pod: 'p1' }, [at(0), at(30), at(60), at(61), at(119.999), at(120), at(300)], 2);

  it('window is (t − range, t]: lower bound excluded, upper included', async () => {
    const m = matrixOf(await runRange([api], 'count_over_time({app="api"}[1m])', T0 + 60, T0 + 180, 60));
    assert.deepEqual(m['{app="api", pod="p1"}'], [[T0 + 60, 2], [T0 + 120, 3]]);
  });

  it('omits steps without samples and returns nothing for no data', async () => {
    const m = matrixOf(await runRange([api], 'count_over_time({app="api"}[10s])', T0, T0 + 300, 60));
    assert.deepEqual(m['{app="api", pod="p1"}'], [[T0, 1], [T0 + 60, 1], [T0 + 120, 2], [T0 + 300, 1]]);
    assert.deepEqual(matrixOf(await runRange([api], 'count_over_time({app="none"}[1m])', T0, T0 + 300, 60)), {});
  });

  it('offset shifts the window back', async () => {
    const m = matrixOf(await runRange([api], 'count_over_time({app="api"}[1m] offset 1m)', T0 + 120, T0 + 180, 60));
    assert.deepEqual(m['{app="api", pod="p1"}'], [[T0 + 120, 2], [T0 + 180, 3]]);
  });

  it('skips samples between windows when the step exceeds the range', async () => {
    const m = matrixOf(await runRange([api], 'count_over_time({app="api"}[5s])', T0 + 30, T0 + 330, 100));
    assert.deepEqual(m['{app="api", pod="p1"}'], [[T0 + 30, 1]]);
  });

  it('rate and bytes functions', async () => {
    const s = memorySeries({ app: 'b' }, [at(1, 'abcd'), at(2, 'ef')]);
    const q = (f: string) => runInstant([s], `${f}({app="b"}[10s])`, T0 + 10);
    assert.deepEqual(vectorOf(await q('rate')), [['{app="b"}', 0.2]]);
    assert.deepEqual(vectorOf(await q('bytes_over_time')), [['{app="b"}', 6]]);
    assert.deepEqual(vectorOf(await q('bytes_rate')), [['{app="b"}', 0.6]]);
    assert.deepEqual(vectorOf(await q('count_over_time')), [['{app="b"}', 2]]);
  });

  it('absent_over_time is 1 where the window is empty, labelled by equality matchers', async () => {
    const none = matrixOf(await runRange([api], 'absent_over_time({app="api", pod=~"p.*", env="prod"}[1m])', T0, T0 + 120, 60));
    assert.deepEqual(none, { '{app="api", env="prod"}': [[T0, 1], [T0 + 60, 1], [T0 + 120, 1]] });
    const m = matrixOf(await runRange([api], 'absent_over_time({app="api"}[1m])', T0, T0 + 300, 60));
    assert.deepEqual(m, { '{app="api"}': [[T0 + 180, 1], [T0 + 240, 1]] });
    const m2 = matrixOf(await runRange([api], 'absent_over_time({app="api", app="x", env="prod"}[30s])', T0 + 150, T0 + 330, 60));
    assert.deepEqual(m2, { '{env="prod"}': [[T0 + 150, 1], [T0 + 210, 1], [T0 + 270, 1], [T0 + 330, 1]] });
  });

  it('instant queries evaluate one window at `time`', async () => {
    assert.deepEqual(vectorOf(await runInstant([api], 'count_over_time({app="api"}[1m])', T0 + 120)), [['{app="api", pod="p1"}', 3]]);
    assert.deepEqual(vectorOf(await runInstant([api], 'count_over_time({app="api"}[1m])', T0 + 240)), []);
  });

  it('structured metadata splits series', async () => {
    const s = memorySeries({ app: 'o' }, [at(1, 'a', { trace: 't1' }), at(2, 'b', { trace: 't2' }), at(3, 'c', { trace: 't1' })]);
    const v = vectorOf(await runInstant([s], 'count_over_time({app="o"}[10s])', T0 + 10));
    assert.deepEqual(v, [['{app="o", trace="t1"}', 2], ['{app="o", trace="t2"}', 1]]);
  });
});

describe('range aggregation grouping', () => {
  const a = memorySeries({ app: 'x', pod: 'a' }, [at(1, 'v=1'), at(2, 'v=5'), at(3, 'v=2')]);
  const b = memorySeries({ app: 'x', pod: 'b' }, [at(1.5, 'v=10'), at(2.5, 'v=3')]);

  it('groups samples of all streams before aggregating', async () => {
    const v = vectorOf(await runInstant([a, b], 'avg_over_time({app="x"} | logfmt | unwrap v [10s]) by (app)', T0 + 10));
    assert.deepEqual(v, [['{app="x"}', 21 / 5]]);
    const w = vectorOf(await runInstant([a, b], 'first_over_time({app="x"} | logfmt | unwrap v [10s]) without (pod)', T0 + 10));
    assert.deepEqual(w, [['{app="x"}', 1]]);
    const l = vectorOf(await runInstant([a, b], 'last_over_time({app="x"} | logfmt | unwrap v [10s]) by ()', T0 + 10));
    assert.deepEqual(l, [['{}', 2]]);
  });

  it('merges streams in time order for order-sensitive functions', async () => {
    const early = memorySeries({ app: 'x', pod: 'c' }, [at(0.5, 'v=7'), at(9, 'v=8')]);
    const first = vectorOf(await runInstant([a, b, early], 'first_over_time({app="x"} | logfmt | unwrap v [10s]) by (app)', T0 + 10));
    assert.deepEqual(first, [['{app="x"}', 7]]);
    const last = vectorOf(await runInstant([early, a, b], 'last_over_time({app="x"} | logfmt | unwrap v [10s]) by (app)', T0 + 10));
    assert.deepEqual(last, [['{app="x"}', 8]]);
  });

  it('rate_counter extrapolates over counter resets', async () => {
    const c = memorySeries({ app: 'c' }, [at(1, 'v=1'), at(2, 'v=10'), at(3, 'v=5'), at(4, 'v=3'), at(5, 'v=2')]);
    const v = vectorOf(await runInstant([c], 'rate_counter({app="c"} | logfmt | unwrap v [10s])', T0 + 10));
    // 2 - 1, plus 10, 5 and 3 at the resets; sampled interval 4e6 (Loki divides ns by 1000).
    const expected = (19 * ((4e6 + 10) / 4e6)) / 10;
    assert.deepEqual(v, [['{app="c"}', expected]]);
  });

  it('streams collapsing into one series are merged, not repeated', async () => {
    const one = memorySeries({ app: 'm', n: '1' }, [at(1), at(2)]);
    const two = memorySeries({ app: 'm', n: '2' }, [at(1.5)]);
    const v = vectorOf(await runInstant([one, two], 'sum_over_time({app="m"} | unwrap n [10s])', T0 + 10));
    assert.deepEqual(v, [['{app="m"}', 4]]);
    assert.equal(streamsMayMerge(query('sum_over_time({app="m"} | unwrap n [10s])') as RangeAggregation, undefined, [one]), true);
    assert.equal(streamsMayMerge(query('sum_over_time({app="m"} | unwrap v [10s])') as RangeAggregation, undefined, [one]), false);
    assert.equal(streamsMayMerge(query('sum_over_time({app="m"} | unwrap v [10s])') as RangeAggregation, { without: true, labels: [] }, [one]), false);
    assert.equal(streamsMayMerge(query('sum_over_time({app="m"} | drop n | unwrap v [10s])') as RangeAggregation, undefined, [one]), true);
    assert.equal(streamsMayMerge(query('sum_over_time({app="m"} | unwrap v [10s])') as RangeAggregation, { without: false, labels: ['n'] }, [one]), true);
  });

  it('unwrap drops the label and skips missing values', async () => {
    const s = memorySeries({ app: 'y' }, [at(1, 'v=1 k=a'), at(2, 'k=a'), at(3, 'v=3 k=a')]);
    const v = vectorOf(await runInstant([s], 'sum_over_time({app="y"} | logfmt | unwrap v [10s])', T0 + 10));
    assert.deepEqual(v, [['{app="y", k="a"}', 4]]);
  });
});

describe('pipeline errors', () => {
  const s = memorySeries({ app: 'e', pod: 'p' }, [at(1, 'v=1'), at(2, 'v=abc'), at(100, 'v=2')]);
  const errText = `pipeline error: 'SampleExtractionErr' for series: '{__error__="SampleExtractionErr", __error_details__="strconv.ParseFloat: parsing \\"abc\\": invalid syntax", app="e", pod="p", v="abc"}'.\n` +
    'Use a label filter to intentionally skip this error. (e.g | __error__!="SampleExtractionErr").\n' +
    'To skip all potential errors you can match empty errors.(e.g __error__="")\n' +
    'The label filter can also be specified after unwrap. (e.g | unwrap latency | __error__="" )\n';

  it('fail with 400 when the error reaches the range aggregation', async () => {
    await assert.rejects(runInstant([s], 'sum by (pod) (sum_over_time({app="e"} | logfmt | unwrap v [10s]))', T0 + 10), (e: unknown) => {
      assert.ok(e instanceof HttpError);
      assert.equal(e.status, 400);
      assert.equal(e.message, errText);
      return true;
    });
    await assert.rejects(runInstant([s], 'max_over_time({app="e"} | logfmt | unwrap v [10s]) by (pod)', T0 + 10), { status: 400 });
    await assert.rejects(runRange([s], 'count_over_time({app="e"} | logfmt | v > 0 [10s])', T0, T0 + 100, 10), { status: 400 });
  });

  it('are not seen when sum() keeps no labels', async () => {
    assert.deepEqual(vectorOf(await runInstant([s], 'sum(sum_over_time({app="e"} | logfmt | unwrap v [10s]))', T0 + 10)), [['{}', 1]]);
  });

  it('are kept as a series when grouping by __error__', async () => {
    const v = vectorOf(await runInstant([s], 'sum by (__error__) (count_over_time({app="e"} | logfmt | v > 0 [10s]))', T0 + 10));
    assert.deepEqual(v, [['{}', 1], ['{__error__="LabelFilterErr"}', 1]]);
  });

  it('are not seen when the sample falls between windows', async () => {
    const m = matrixOf(await runRange([s], 'sum_over_time({app="e"} | logfmt | unwrap v [1s])', T0 + 1, T0 + 101, 50));
    assert.deepEqual(m['{app="e", pod="p"}'], [[T0 + 1, 1]]);
  });
});

describe('cancellation', () => {
  it('stops with 499 when the signal is aborted', async () => {
    const s = memorySeries({ app: 'c' }, [at(1)]);
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(runInstant([s], 'count_over_time({app="c"}[10s])', T0 + 10, { signal: ac.signal }), ClientClosedError);
  });
});

import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ScanPool, setScanPool } from '../../querier/scan-pool/pool.js';
import { memSources } from '../../querier/scan-pool/test-sources.js';
import type { SeriesSource } from '../../querier/sources.js';
import { compileSampleExtractor } from '../log/index.js';
import { parseQuery, type SampleExpr } from '../syntax/index.js';
import { evaluate } from './evaluate.js';
import type { EngineResult } from './types.js';

const T0 = 1_700_000_000_000_000_000n;
const SEC = 1_000_000_000n;

/** 24 streams of one chunk each, cut blocks (read by workers) and a head (read on the main thread). */
function sources(): SeriesSource[] {
  return memSources(24, 600, (s, i) => {
    const n = (i * 7 + s * 13) % 101;
    const took = n % 17 === 0 ? 'bad' : `${n}ms`;
    const line = n === 5 ? `level=error user_id=u-4242${i % 10} msg="needle-xyz found" took=${took}` : `level=info user_id=${n}4242 msg="request ${i}" took=${took} size=${n * 3}`;
    return { ts: T0 + BigInt(i) * SEC + BigInt(s % 4), line, metadata: i % 5 === 0 ? [{ name: 'trace', value: `t${i % 7}` }] : [] };
  });
}

async function run(query: string, instant: boolean): Promise<EngineResult> {
  const series = sources();
  return evaluate(parseQuery(query) as SampleExpr, instant
    ? { start: T0 + 400n * SEC, end: T0 + 400n * SEC, stepMs: 0, instant: true }
    : { start: T0, end: T0 + 600n * SEC, stepMs: 15_000, instant: false }, {
    selectSeries: () => Promise.resolve(series),
    compileExtractor: (agg) => compileSampleExtractor(agg),
    workerExtractors: true,
    maxSeries: 0,
  });
}

function flat(r: EngineResult): unknown {
  if (r.type === 'matrix') return { series: r.series.map((s) => [s.key, s.timestampsMs, s.values.map(String)]), stats: r.stats };
  if (r.type === 'vector') return { samples: r.samples.map((s) => [s.key, s.timestampMs, String(s.value)]), stats: r.stats };
  return r;
}

describe('range aggregations with a pipeline on the scan pool', () => {
  const pool = new ScanPool(2, 1);
  after(async () => {
    setScanPool(undefined);
    await pool.close();
  });

  it('gives the same results and statistics as the main thread', async () => {
    const queries: [string, boolean][] = [
      ['quantile_over_time(0.99, {app=~".+"} | logfmt | unwrap duration(took) | __error__="" [1m]) by (app)', false],
      ['sum by (app) (avg_over_time({app=~".+"} | logfmt | unwrap size [30s]))', false],
      ['max_over_time({app=~".+"} |= "request" | logfmt | unwrap size [2m])', false],
      ['sum(rate({app=~".+"} | logfmt | level="info" | unwrap size | size > 100 [1m])) by (trace)', false],
      ['sum by (app) (sum_over_time({app=~".+"} | logfmt | unwrap duration(took) | __error__="" [10m]))', true],
      ['first_over_time({app="a1"} | logfmt | keep app, took | unwrap duration(took) | __error__="" [1m])', false],
      // Counting aggregations with a pipeline.
      ['sum by (app) (count_over_time({app=~".+"} | logfmt | level="info" [1m]))', false],
      ['sum by (trace) (bytes_over_time({app=~".+"} |= "request" | line_format "{{.app}}" [2m]))', false],
      ['rate({app=~".+"} | logfmt | took=~"1.*" [30s])', false],
      ['sum(count_over_time({app=~".+"} | json [10m]))', true],
    ];
    for (const [q, instant] of queries) {
      setScanPool(undefined);
      const want = flat(await run(q, instant));
      setScanPool(pool);
      const before = pool.pipelineJobs;
      const got = flat(await run(q, instant));
      assert.deepEqual(got, want, q);
      assert.ok(pool.pipelineJobs > before, `workers ran ${q}`);
      assert.equal(pool.lastLocalError, null, q);
    }
  });

  it('fails like the main thread on unwrap errors', async () => {
    const q = 'sum by (app) (avg_over_time({app=~".+"} | logfmt | unwrap duration(took) [1m]))';
    setScanPool(undefined);
    const want = await run(q, false).then(() => 'ok', (e: unknown) => String(e));
    setScanPool(pool);
    const got = await run(q, false).then(() => 'ok', (e: unknown) => String(e));
    assert.notEqual(want, 'ok');
    assert.equal(got, want);
  });
});

import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { compileLogPipeline } from '../../logql/log/pipeline.js';
import { parseExpr, type LogSelector } from '../../logql/syntax/index.js';
import { selectLogs, type SelectLogsResult } from '../select-logs.js';
import type { SeriesSource } from '../sources.js';
import { ScanPool, setScanPool } from './pool.js';
import { memSources } from './test-sources.js';

/** 16 streams of one chunk each: cut blocks (read by workers) and a head (read on the main thread). */
function sources(): SeriesSource[] {
  return memSources(16, 400, (s, i) => {
    const n = (i * 7 + s * 13) % 101;
    const line = n === 5 ? `level=error user_id=u-4242${i % 10} msg="needle-xyz found"` : `level=info user_id=${n}4242 msg="request ${i}" took=${n}ms`;
    return { ts: 1_000_000n + BigInt(i * 1000 + (s % 4)), line, metadata: i % 5 === 0 ? [{ name: 'trace', value: `t${i}` }] : [] };
  });
}

function flat(r: SelectLogsResult): unknown {
  return { streams: r.streams.map((s) => [s.key, s.entries.map((e) => [e.ts, e.line.toString(), e.labels.key])]), stats: r.stats, n: r.entriesReturned };
}

async function run(query: string, direction: 'forward' | 'backward', limit: number, signal?: AbortSignal): Promise<SelectLogsResult> {
  const selector = parseExpr(query) as LogSelector;
  return selectLogs({
    series: sources(), start: 1_000_000n, end: 1_000_000n + 400_000n, direction, limit,
    pipeline: compileLogPipeline(selector), categorize: false, selector, signal,
  });
}

describe('selectLogs with the scan pool', () => {
  const pool = new ScanPool(2, 1);
  after(async () => {
    setScanPool(undefined);
    await pool.close();
  });

  it('gives the same results and statistics as the main-thread scan', async () => {
    const queries = [
      '{app=~".+"} |= "needle-xyz"',
      '{app=~".+"} |~ "user_id[=\\":]+(u-)?4242[0-9][^0-9]"',
      '{app="a1"} |= "4242" |= "level=info" | logfmt | took > 50',
      '{app=~".+"} |= "nothing-has-this"',
      // Pipelines the workers run without a literal to search for.
      '{app=~".+"} | logfmt | took > 90',
      '{app=~".+"} | logfmt | took > 50 | line_format "{{.took}} {{.level}}"',
      '{app=~".+"} | trace=~"t1.*"',
      '{app=~".+"} | json',
      '{app=~".+"} | json | __error__="" ',
      '{app=~".+"} !~ "request [0-9]*5" | logfmt | level="error" | drop user_id',
      '{app=~".+"} | logfmt | label_format who="{{.user_id}}" | who=~"u-.*"',
    ];
    for (const q of queries) {
      for (const [direction, limit] of [['backward', 1000], ['forward', 7], ['backward', 3]] as const) {
        setScanPool(undefined);
        const want = flat(await run(q, direction, limit));
        setScanPool(pool);
        const got = flat(await run(q, direction, limit));
        assert.deepEqual(got, want, `${q} ${direction} ${limit}`);
      }
    }
    assert.ok(pool.running > 0, 'the workers ran');
    assert.ok(pool.pipelineJobs > 0, 'the workers ran pipelines');
    assert.equal(pool.lastLocalError, null);
    assert.equal(pool.pipelineLocal, 0);
    assert.equal(pool.queued, 0);
  });

  it('stops on cancellation and leaves nothing queued', async () => {
    setScanPool(pool);
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(run('{app=~".+"} |= "needle-xyz"', 'backward', 100, ac.signal), (e: unknown) => (e as { status?: number }).status === 499);
    assert.equal(pool.queued, 0);
  });
});

/**
 * Parser pipeline throughput on one core (MB of lines per CPU second): the benchmark's logfmt
 * and JSON lines (../shared/bench/gen.mjs) through the log pipelines and sample extractors of
 * the query set, per stream as the querier runs them. Prints matches so runs can be compared.
 * Per query: best CPU time of --reps runs after a warm-up, each over fresh per-stream state.
 * Run: node --import tsx bench/parsers.ts [--mb 40] [--reps 7] [--only name,name]
 * (The machine is shared: compare before/after in the same conditions, several times.)
 */
import { labelsFromRecord, type Labels } from '../src/model/labels.js';
import { compileLogPipeline, compileSampleExtractor, injectedGrouping, newPipelineOutput, newSampleOutput } from '../src/logql/log/index.js';
import { parseQuery, type RangeAggregation } from '../src/logql/syntax/index.js';
// @ts-expect-error the shared generator is plain JavaScript without types
import { createGenerator } from '../../shared/bench/gen.mjs';

interface Entry { readonly stream: number; readonly line: Buffer }

const args = process.argv.slice(2);
const arg = (k: string): string | undefined => {
  const i = args.indexOf('--' + k);
  return i >= 0 ? args[i + 1] : undefined;
};
const MB = Number(arg('mb') ?? 40);
const REPS = Number(arg('reps') ?? 7);
const only = arg('only')?.split(',');

interface GenStream { idx: number; format: string; labels: Record<string, string> }
interface GenBatch { streams: { stream: GenStream; entries: { line: string }[] }[] }
const gen = createGenerator({ streams: 1000, batchLines: 1000, seed: 1 }) as { batch(k: number): GenBatch };

/** Lines of one format, grouped by stream like chunks are. */
function corpus(format: string): { labels: Map<number, Labels>; entries: Entry[]; bytes: number } {
  const labels = new Map<number, Labels>();
  const per = new Map<number, Buffer[]>();
  let bytes = 0;
  for (let k = 0; bytes < MB * 1e6; k++) {
    for (const { stream, entries } of gen.batch(k).streams) {
      if (stream.format !== format) continue;
      if (!labels.has(stream.idx)) labels.set(stream.idx, labelsFromRecord(stream.labels));
      let a = per.get(stream.idx);
      if (a === undefined) per.set(stream.idx, (a = []));
      for (const e of entries) {
        const b = Buffer.from(e.line, 'latin1');
        a.push(b);
        bytes += b.length;
      }
    }
  }
  const entries: Entry[] = [];
  for (const [s, lines] of per) for (const line of lines) entries.push({ stream: s, line });
  return { labels, entries, bytes };
}

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function measure(name: string, bytes: number, run: () => number): void {
  if (only !== undefined && !only.includes(name)) return;
  run(); // warm-up
  let best = Infinity;
  let hits = 0;
  for (let r = 0; r < REPS; r++) {
    const t0 = cpuSeconds();
    hits = run();
    best = Math.min(best, cpuSeconds() - t0);
  }
  console.log(`${name.padEnd(22)} ${(bytes / 1e6 / best).toFixed(0).padStart(5)} MB/s  ${(best * 1000).toFixed(0).padStart(5)} ms cpu  hits ${hits}`);
}

function logQuery(name: string, q: string, c: ReturnType<typeof corpus>): void {
  const e = parseQuery(q);
  if (e.kind !== 'LogSelector') throw new Error(q);
  measure(name, c.bytes, () => {
    const p = compileLogPipeline(e);
    const ps = new Map([...c.labels].map(([k, l]) => [k, p.forStream(l)]));
    const out = newPipelineOutput();
    let hits = 0;
    for (const en of c.entries) if (ps.get(en.stream)!.process(0n, en.line, [], out)) hits++;
    return hits;
  });
}

function metricQuery(name: string, q: string, c: ReturnType<typeof corpus>): void {
  const e = parseQuery(q);
  let range: RangeAggregation;
  let grouping: ReturnType<typeof injectedGrouping>;
  if (e.kind === 'RangeAggregation') range = e;
  else if (e.kind === 'VectorAggregation' && e.expr.kind === 'RangeAggregation') {
    range = e.expr;
    grouping = injectedGrouping(e);
  } else throw new Error(q);
  measure(name, c.bytes, () => {
    const x = compileSampleExtractor(range, { grouping });
    const ps = new Map([...c.labels].map(([k, l]) => [k, x.forStream(l)]));
    const out = newSampleOutput();
    let hits = 0;
    for (const en of c.entries) if (ps.get(en.stream)!.process(0n, en.line, [], out)) hits++;
    return hits;
  });
}

const logfmt = corpus('logfmt');
const json = corpus('json');
console.log(`logfmt ${(logfmt.bytes / 1e6).toFixed(0)} MB / ${logfmt.entries.length} lines, json ${(json.bytes / 1e6).toFixed(0)} MB / ${json.entries.length} lines`);
const SEL = '{cluster="c1"}';
logQuery('logfmt_all', `${SEL} | logfmt`, logfmt);
logQuery('logfmt_duration', `${SEL} | logfmt | duration > 10s`, logfmt);
metricQuery('p99_duration', `quantile_over_time(0.99, ${SEL} | logfmt | unwrap duration(duration) | __error__="" [5m]) by (app)`, logfmt);
logQuery('json_all', `${SEL} | json`, json);
logQuery('json_5xx_log', `${SEL} | json | status >= 500`, json);
metricQuery('json_5xx_rate', `sum by (app) (count_over_time(${SEL} | json | status >= 500 [1m]))`, json);

/**
 * The log pipeline's probe (pipeline.ts) must not change results: every case runs a
 * sequence of lines through one stream with and without the probe and compares lines,
 * labels and drops entry by entry (key decisions are cached per stream, so order matters).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { labelsFromRecord, labelsToRecord } from '../../model/labels.js';
import { parseQuery, type LogSelector } from '../syntax/index.js';
import { compileLogPipeline, newPipelineOutput } from './pipeline.js';

const STREAM = { app: 'api', job: 'prod/api' };

type Outcome = { line: string; labels: Record<string, string> } | undefined;

function run(query: string, lines: readonly string[], metadata: readonly Record<string, string>[], probe: boolean, stream: Record<string, string> = STREAM): Outcome[] {
  const sel = parseQuery('{app="api"} ' + query) as LogSelector;
  const p = compileLogPipeline(sel, { probe }).forStream(labelsFromRecord(stream));
  const out = newPipelineOutput();
  return lines.map((l, i) => {
    const md = metadata[i] === undefined ? [] : labelsFromRecord(metadata[i]);
    if (!p.process(BigInt(i), Buffer.from(l, 'utf8'), md, out)) return undefined;
    return { line: out.line.toString('utf8'), labels: labelsToRecord(out.labels.all) };
  });
}

const LOGFMT = [
  'level=info duration=12s status=500 msg="a b"',
  'duration=1s duration=20s x=1',
  'duration=20s duration=1s',
  'a.b=1 a_b=2 duration=11s',
  'a_b=3 a.b=4 duration=11s',
  'duration="15s" status=503',
  'msg="unterminated duration=30s',
  'duration=abc status=x',
  'duration= status=501',
  'duration',
  '=duration=40s status=502',
  'x="esc \\"q\\"" duration=50s',
  'ké=1 duration=60s ünï="ö"',
  'status=500 dur\u00e9e=1 duration=9s',
  'app=zz duration=70s',
  '',
  '   ',
  'duration=1h',
  // The screen's candidates: inside quotes, inside longer keys, quoted, escaped, malformed.
  'msg="took duration=30s" duration=1s',
  'msg="duration=1s" duration=30s',
  'xduration=30s duration=1s status=503',
  'duration="2s" duration="\\31s"',
  'duration=5s=6 status=500',
  'duration=1s msg="x"duration=40s',
  'bytes_out=20 bytes-out=1 duration=0.5s',
  'status=500 duration=2m',
];

const JSON_LINES = [
  '{"status":500,"duration":"12s","a":{"b":1}}',
  '{"status":200}',
  '{"status":"503","status":200}',
  '{"status":200,"status":503}',
  '{"sta\\u0074us":504,"x":"y"}',
  '{"status":505,"nested":{"status":1,"deep":{"k":"v"}}}',
  '{"status":506,',
  'not json status=500',
  '{"status":true}',
  '{"status":507,"app":"zz","msg":"caf\u00e9"}',
  '{"a.b":1,"a_b":2,"status":508}',
  '{"status":1e3}',
  '{"status":509,"bad":"\\x"}',
  '{}',
  '{"status": 510 , "arr":[1,{"status":1}]}',
];

const META: Record<string, string>[] = [{ duration: 'meta' }, {}, { status: '999' }, {}, { a_b: 'm' }];

const CASES: [string, readonly string[]][] = [
  ['| logfmt | duration > 10s', LOGFMT],
  ['| logfmt | duration > 10s | status >= 500', LOGFMT],
  ['| logfmt --strict | duration > 10s', LOGFMT],
  ['| logfmt --keep-empty | duration > 10s or status = ""', LOGFMT],
  ['| logfmt | status="500" | line_format "{{.duration}}"', LOGFMT],
  ['| logfmt | __error__ != "" or duration > 10s', LOGFMT],
  ['| logfmt --strict | __error__ = ""  | duration < 10s', LOGFMT],
  ['| logfmt | a_b = "2"', LOGFMT],
  ['| logfmt | app_extracted = "zz"', LOGFMT],
  ['| logfmt | status >= 500', LOGFMT],
  ['| logfmt | bytes_out > 10', LOGFMT],
  ['|= "s" | logfmt | duration >= 30s | status != 500', LOGFMT],
  ['|= "duration" | logfmt | duration > 10s | keep duration, status', LOGFMT],
  ['| json | status >= 500', JSON_LINES],
  ['| json | status >= 500 | drop a_b', JSON_LINES],
  ['| json | __error__ = "" | status >= 500', JSON_LINES],
  ['| json | __error__ != ""', JSON_LINES],
  ['| json | nested_status > 0', JSON_LINES],
  ['| json | status = "true" or status > 505', JSON_LINES],
  ['| json | a_b = "2"', JSON_LINES],
  ['| json | app_extracted =~ "z+"', JSON_LINES],
  ['| json | logfmt | status >= 500', [...JSON_LINES, ...LOGFMT]],
  ['| logfmt | json | duration > 10s', [...LOGFMT, ...JSON_LINES]],
];

describe('log pipeline probe', () => {
  for (const [query, lines] of CASES) {
    for (const [name, md] of [['', []], [' with metadata', META]] as [string, Record<string, string>[]][]) {
      it(`${query}${name}`, () => {
        // Twice over, so the second pass runs on warm key caches.
        const all = [...lines, ...lines];
        const want = run(query, all, md, false);
        assert.deepEqual(run(query, all, md, true), want);
        assert.ok(want.some((o) => o === undefined) || lines.length < 2 || query.includes('or'), 'the cases should drop entries');
      });
    }
  }

  it('reversed order gives the same results as the reference too', () => {
    for (const [query, lines] of CASES) {
      const all = [...lines].reverse();
      assert.deepEqual(run(query, all, META, true), run(query, all, META, false), query);
    }
  });

  it('does not screen a stream whose own label the filter reads', () => {
    // The key becomes duration_extracted; the filter reads the stream's duration.
    const stream = { ...STREAM, duration: '20s' };
    const q = '| logfmt | duration > 10s';
    const want = run(q, LOGFMT, [], false, stream);
    assert.ok(want.every((o) => o !== undefined));
    assert.deepEqual(run(q, LOGFMT, [], true, stream), want);
  });

  it('keeps probing correct when most entries pass (probe paused)', () => {
    const lines = Array.from({ length: 5000 }, (_v, i) => `duration=${i % 7 === 0 ? 1 : 20}s n=${i}`);
    const q = '| logfmt | duration > 10s';
    assert.deepEqual(run(q, lines, [], true), run(q, lines, [], false));
  });
});

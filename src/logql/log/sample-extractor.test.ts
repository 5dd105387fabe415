import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFloat64, parseGoDuration } from '../syntax/index.js';
import { runLine, runSamples } from './test-helpers.js';

const STREAM = { app: 'api', pod: 'p1' };

describe('sample extraction', () => {
  it('counts entries and bytes after the pipeline', () => {
    assert.deepEqual(runSamples('count_over_time({app="api"} |= "a" [1m])', ['a', 'b', 'aa'], STREAM).map((s) => s.value), [1, undefined, 1]);
    assert.deepEqual(runSamples('bytes_over_time({app="api"} | line_format "xy" [1m])', ['abc'], STREAM).map((s) => s.value), [2]);
    // line_format is dropped when nothing after it reads the line (count does not).
    assert.deepEqual(runSamples('count_over_time({app="api"} | line_format "{{ div 1 0 }}" [1m])', ['a'], STREAM)[0].labels, STREAM);
  });

  const unwraps: [string, string, number | undefined, Record<string, string>][] = [
    ['sum_over_time({app="api"} | logfmt | unwrap v [1m])', 'v=1.5 x=1', 1.5, { app: 'api', pod: 'p1', x: '1' }],
    ['sum_over_time({app="api"} | logfmt | unwrap v [1m])', 'x=1', undefined, {}],
    ['sum_over_time({app="api"} | logfmt | unwrap v [1m])', 'v= x=1', undefined, {}],
    ['sum_over_time({app="api"} | logfmt | unwrap duration(d) [1m])', 'd=1m30s', 90, { app: 'api', pod: 'p1' }],
    ['sum_over_time({app="api"} | logfmt | unwrap duration_seconds(d) [1m])', 'd=250ms', 0.25, { app: 'api', pod: 'p1' }],
    ['sum_over_time({app="api"} | logfmt | unwrap bytes(b) [1m])', 'b=2KiB', 2048, { app: 'api', pod: 'p1' }],
    ['sum_over_time({app="api"} | logfmt | unwrap v [1m])', 'v=abc', 0,
      { app: 'api', pod: 'p1', v: 'abc', __error__: 'SampleExtractionErr', __error_details__: 'strconv.ParseFloat: parsing "abc": invalid syntax' }],
    ['sum_over_time({app="api"} | logfmt | unwrap v | __error__="" [1m])', 'v=abc', undefined, {}],
    ['sum_over_time({app="api"} | logfmt | unwrap v | v > 2 [1m])', 'v=1', undefined, {}],
    ['avg_over_time({app="api"} | logfmt | unwrap v [1m]) by (x)', 'v=3 x=1 y=2', 3, { x: '1' }],
    ['avg_over_time({app="api"} | logfmt | unwrap v [1m]) without (y)', 'v=3 x=1 y=2', 3, { app: 'api', pod: 'p1', x: '1' }],
    ['avg_over_time({app="api"} | logfmt | unwrap v [1m]) by ()', 'v=3 x=1', 3, {}],
  ];
  for (const [q, line, v, labels] of unwraps) {
    it(`${q} on ${line}`, () => assert.deepEqual(runSamples(q, [line], STREAM)[0], { value: v, labels }));
  }

  it('pushes sum grouping down: no labels, so parse errors are never seen', () => {
    assert.deepEqual(runSamples('sum(count_over_time({app="api"} | json [1m]))', ['not json'], STREAM)[0], { value: 1, labels: {} });
  });

  it('sum by (level) still sees errors, only the needed labels are extracted', () => {
    assert.deepEqual(runSamples('sum by (level) (count_over_time({app="api"} | json [1m]))', ['{"level":"info","x":1}', 'oops'], STREAM), [
      { value: 1, labels: { level: 'info' } },
      { value: 1, labels: { app: 'api', pod: 'p1', __error__: 'JSONParserErr', __error_details__: 'Value looks like object, but can\'t find closing \'}\' symbol' } },
    ]);
  });

  it('sum by (__error__) marks parser errors as preserved', () => {
    assert.deepEqual(runSamples('sum by (__error__) (count_over_time({app="api"} | json [1m]))', ['oops'], STREAM)[0].labels, {
      app: 'api', pod: 'p1', __error__: 'JSONParserErr', __error_details__: 'Value looks like object, but can\'t find closing \'}\' symbol', __preserve_error__: 'true',
    });
  });

  it('runs single label filters as soon as a parser sets the label (metric queries only)', () => {
    // The first status (200) fails the filter before the second one (999) is read.
    assert.deepEqual(runSamples('count_over_time({app="api"} | logfmt | status == 999 [1m])', ['status=200 status=999'], STREAM)[0].value, undefined);
    // With a by() the parser stops at the first value of each needed label.
    assert.deepEqual(runSamples('sum by (status) (count_over_time({app="api"} | logfmt | status == 999 [1m]))', ['status=200 status=999'], STREAM)[0].value, undefined);
    // Log queries read the whole line: the last value wins.
    assert.equal(runLine('| logfmt | status == 999', 'status=200 status=999').line, 'status=200 status=999');
  });

  it('stops parsing once the needed labels are found', () => {
    // A by() on a label before the broken part: no error.
    assert.deepEqual(runSamples('sum by (level) (count_over_time({app="api"} | json [1m]))', ['{"level":"warn","msg":"trunc'], STREAM)[0], { value: 1, labels: { level: 'warn' } });
  });
});

describe('unwrap and typed filters on values read from line bytes', () => {
  // Oracles: the string conversions (Go's ParseFloat and ParseDuration), as before bytes.
  const seconds = (s: string): number => {
    const d = parseGoDuration(s);
    return Number(d / 1_000_000_000n) + Number(d % 1_000_000_000n) / 1e9;
  };
  const values = ['0', '-0', '7', '007', '-12', '1.5', '1e3', '123456789012345', '9007199254740993', '0x1p-2', 'inf', '+5', '1_0'];
  const durations = ['0', '-0', '1s', '-1.5h', '1h30m15s', '77.9ms', '388us', '0.000000001s', '1.123456789123s', '2562047h', '9007199254740993ns', '1ms1ns'];
  for (const by of ['', ' by (app)']) {
    for (const v of values) {
      it(`unwrap ${v}${by}`, () => {
        let want: number | undefined;
        try {
          want = parseFloat64(v);
        } catch {
          want = undefined;
        }
        const [json] = runSamples(`max_over_time({app="api"} | json | unwrap v [1m])${by}`, [`{"v":${v}}`], STREAM);
        const [lf] = runSamples(`max_over_time({app="api"} | logfmt | unwrap v [1m])${by}`, [`v=${v}`], STREAM);
        // JSON numbers start with a digit or '-' (others are a JSON error, not a value).
        for (const r of /^[-0-9]/.test(v) ? [json, lf] : [lf]) {
          if (want === undefined) assert.equal(r.labels.__error__, 'SampleExtractionErr');
          else assert.ok(Object.is(r.value, want), `${v}: ${r.value} vs ${want}`);
        }
      });
    }
    for (const d of durations) {
      it(`unwrap duration(${d})${by}`, () => {
        const [r] = runSamples(`max_over_time({app="api"} | logfmt | unwrap duration(v) [1m])${by}`, [`v=${d} x=1`], STREAM);
        assert.ok(Object.is(r.value, seconds(d)), `${d}: ${r.value} vs ${seconds(d)}`);
      });
    }
  }

  it('duration and number filters compare like the string path', () => {
    const lines = ['d=10s', 'd=10.000000001s', 'd=9s', 'd=1h', 'd=abc', 'd=-11s', 'd=0', 'n=500', 'n=499', 'n=5e2', 'n=x', 'n=-0'];
    const cases: [string, (string | undefined)[]][] = [
      ['| logfmt | d > 10s', [undefined, 'd=10.000000001s', undefined, 'd=1h', 'd=abc', undefined, undefined, undefined, undefined, undefined, undefined, undefined]],
      ['| logfmt | d <= -10s', [undefined, undefined, undefined, undefined, 'd=abc', 'd=-11s', undefined, undefined, undefined, undefined, undefined, undefined]],
      ['| logfmt | n >= 500', [undefined, undefined, undefined, undefined, undefined, undefined, undefined, 'n=500', undefined, 'n=5e2', 'n=x', undefined]],
      ['| logfmt | n == 0', [undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, 'n=x', 'n=-0']],
    ];
    for (const [q, want] of cases) {
      assert.deepEqual(lines.map((l) => runLine(q, l, STREAM).line), want, q);
      const counted = runSamples(`sum by (app) (count_over_time({app="api"} ${q} [1m]))`, lines, STREAM).map((s, i) => (s.value === undefined ? undefined : lines[i]));
      assert.deepEqual(counted, want, q);
    }
  });
});

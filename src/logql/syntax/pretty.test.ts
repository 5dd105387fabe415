import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseExpr } from './parse.js';
import { formatExpr } from './pretty.js';

const f = (q: string) => formatExpr(parseExpr(q));

test('short queries stay on one line in Loki\'s canonical form', () => {
  assert.equal(f('sum(count_over_time({a="b"}[30m])) by (x)'), 'sum by (x)(count_over_time({a="b"}[30m]))');
  assert.equal(f('{ job = "x" } |= `a\\b` | json amount | amount > 10KB'), '{job="x"} |= "a\\\\b" | json amount="amount" | amount>10kB');
  assert.equal(f('vector(1) + 1'), '(vector(1.000000) + 1)');
  assert.equal(f('count_over_time({a="b"}[90s] offset 1h)'), 'count_over_time({a="b"}[1m30s] offset 1h0m0s)');
});

test('long pipelines: one stage per line; long filter chains keep what fits (Loki drops `or` terms there)', () => {
  assert.equal(
    f('{app="aaaaaaaaaaaaaaaaaaaa"} |= "bbbbbbbbbbbbbbbbbbbbbbbbbbbb" |= "cccccccccccccccccccccccccccc" or "dddddddddddddd" != "eeeeeeeeeeeeeeeeeeeeeeeeeeeeee" | decolorize | json'),
    [
      '{app="aaaaaaaaaaaaaaaaaaaa"}',
      '  |= "bbbbbbbbbbbbbbbbbbbbbbbbbbbb" |= "cccccccccccccccccccccccccccc" or "dddddddddddddd"',
      '  != "eeeeeeeeeeeeeeeeeeeeeeeeeeeeee"',
      '| decolorize',
      '  | json',
    ].join('\n'),
  );
});

test('long aggregations: arguments on their own lines', () => {
  assert.equal(f('topk(10, sum by (namespace, pod) (rate({namespace="production", app=~"frontend|backend"} |= "error" [5m])))'), [
    'topk(',
    '  10,',
    '  sum by (namespace,pod)(rate({namespace="production", app=~"frontend|backend"} |= "error"[5m]))',
    ')',
  ].join('\n'));
  assert.equal(f('label_replace(sum by (pod) (count_over_time({app="aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}[30m])), "short", "$1", "pod", "api-(\\\\w+)-.*")'), [
    'label_replace(',
    '  sum by (pod)(count_over_time({app="aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}[30m])),',
    '  "short",',
    '  "$1",',
    '  "pod",',
    '  "api-(\\\\w+)-.*"',
    ')',
  ].join('\n'));
});

test('long range aggregations: unwrap and its filters on new lines, `[range]` after a space', () => {
  assert.equal(f('max_over_time({job="prod/api"} | logfmt | unwrap duration_seconds(latency) | latency > 1 | __error__="" [10m] offset 1h) by (pod, namespace)'), [
    'max_over_time(',
    '  {job="prod/api"} | logfmt',
    '    | unwrap duration_seconds(latency)',
    '    | latency>1',
    '    | __error__="" [10m] offset 1h',
    ') by (pod, namespace)',
  ].join('\n'));
});

test('long binary operations: operator on its own line, operands indented', () => {
  assert.equal(f('sum by (cluster) (count_over_time({app="api"}[10m])) + on (cluster) sum by (cluster) (count_over_time({app="nginx"}[10m]))'), [
    '  sum by (cluster)(count_over_time({app="api"}[10m]))',
    '+ on (cluster) ',
    '  sum by (cluster)(count_over_time({app="nginx"}[10m]))',
  ].join('\n'));
});

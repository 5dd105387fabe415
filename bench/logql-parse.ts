/**
 * LogQL parse throughput on one core: typical dashboard queries through parseQuery
 * (parse + validation, as query endpoints do) and formatExpr.
 * Run: node --import tsx bench/logql-parse.ts
 */
import { formatExpr, parseExpr, parseQuery } from '../src/logql/syntax/index.js';

const QUERIES = [
  '{app="api", namespace="prod"}',
  '{app="api"} |= "error" != "timeout"',
  '{job="prod/api"} | logfmt | level="error" | line_format "{{.msg}}"',
  '{app="checkout"} | json | status >= 500 | duration > 250ms',
  'sum by (level) (count_over_time({job="prod/api"} | logfmt | __error__="" [5m]))',
  'sum(rate({app="nginx"} |= "GET" [1m])) by (status)',
  'topk(10, sum by (pod) (rate({namespace="prod"}[5m])))',
  'quantile_over_time(0.99, {app="api"} | logfmt | unwrap latency_ms | __error__="" [5m]) by (cluster)',
  'sum(rate({app="api"} |= "level=error" [5m])) / sum(rate({app="api"}[5m])) * 100',
  '{cluster="eu-west-1", app=~"api|web|worker"} |~ "(?i)exception" | pattern "<ip> - <_> [<ts>] \\"<method> <path> <_>\\" <status>"',
  'avg_over_time({job="node"} | logfmt | metric="cpu" | unwrap value [10m]) by (host)',
  'sum by (app) (bytes_over_time({namespace="shop"}[1h])) > 1000000',
];

function run(label: string, fn: (q: string) => unknown, seconds: number): void {
  const deadline = performance.now() + seconds * 1000;
  let n = 0;
  while (performance.now() < deadline) {
    for (const q of QUERIES) fn(q);
    n += QUERIES.length;
  }
  const rate = n / seconds;
  console.log(`${label}: ${Math.round(rate).toLocaleString('en-US')} queries/s`);
}

// Warm up the JIT and the regex caches, then measure.
run('warm-up', parseQuery, 1);
run('parseExpr', parseExpr, 3);
run('parseQuery', parseQuery, 3);
run('parseQuery+formatExpr', (q) => formatExpr(parseQuery(q)), 3);

import { readFileSync, existsSync } from 'node:fs';
import { parseQuery } from './src/logql/syntax/index.js';
import { loadDataset, parseTime, runLogQuery } from './src/logql/log/conformance-data.js';
import { labelsToRecord } from './src/model/labels.js';
const dir = 'test/fixtures/conformance';
const streams = loadDataset(dir + '/dataset.json');
const queries = JSON.parse(readFileSync(dir + '/queries.public.json', 'utf8'));
let pass = 0, fail = 0, skipped = 0;
const only = process.argv[2];
for (const q of queries) {
  if (only && q.id !== only) continue;
  const f = `${dir}/expected/public/${q.id}.json`;
  if (!existsSync(f)) continue;
  const exp = JSON.parse(readFileSync(f, 'utf8'));
  if (exp.resultType !== 'streams' || exp.status !== 200) { skipped++; continue; }
  let expr;
  try { expr = parseQuery(q.query); } catch (e) { skipped++; continue; }
  if (expr.kind !== 'LogSelector') { skipped++; continue; }
  const cat = q.headers?.['X-Loki-Response-Encoding-Flags'] === 'categorize-labels';
  const res = runLogQuery(streams, expr, parseTime(q.start), parseTime(q.end), q.limit ?? 100, (q.direction ?? 'backward').toLowerCase() === 'backward');
  // Normalize to Loki's JSON shape.
  const got: Record<string, unknown[]> = {};
  for (const s of res) {
    for (const v of s.values) {
      const lab = cat ? s.labels.stream : s.labels.all;
      const k = JSON.stringify(labelsToRecord(lab));
      (got[k] ??= []);
      if (cat) {
        const o: Record<string, unknown> = {};
        if (s.labels.structuredMetadata.length) o.structuredMetadata = labelsToRecord(s.labels.structuredMetadata);
        if (s.labels.parsed.length) o.parsed = labelsToRecord(s.labels.parsed);
        got[k].push([v[0], v[1], o]);
      } else got[k].push(v);
    }
  }
  const want: Record<string, unknown[]> = {};
  for (const s of exp.result) {
    const k = JSON.stringify(Object.fromEntries(Object.entries(s.stream).sort()));
    want[k] = s.values;
  }
  const gk = Object.keys(got).map((k) => JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(k)).sort())));
  const gotN: Record<string, unknown[]> = {};
  Object.keys(got).forEach((k, i) => { gotN[gk[i]] = got[k]; });
  let ok = true;
  const msgs: string[] = [];
  for (const k of new Set([...Object.keys(want), ...Object.keys(gotN)])) {
    const a = JSON.stringify(gotN[k] ?? null), b = JSON.stringify(want[k] ?? null);
    if (cat) {
      // sort inner keys of 3rd element
    }
    if (a !== b) { ok = false; if (msgs.length < 3) msgs.push(`  stream ${k}\n    got  ${a.slice(0, 400)}\n    want ${b.slice(0, 400)}`); }
  }
  if (ok) pass++; else { fail++; console.log(`FAIL ${q.id} ${q.query}\n${msgs.join('\n')}`); }
}
console.log(`pass ${pass} fail ${fail} skipped ${skipped}`);

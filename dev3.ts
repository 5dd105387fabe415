import { parseQuery, type LogSelector } from './src/logql/syntax/index.js';
import { compileLogPipeline } from './src/logql/log/index.js';
import { loadDataset } from './src/logql/log/conformance-data.js';
import { matchesAll } from './src/model/matcher.js';
const [q, ts] = process.argv.slice(2);
const sel = parseQuery(q) as LogSelector;
const p = compileLogPipeline(sel);
for (const s of loadDataset('test/fixtures/conformance/dataset.json')) {
  if (!matchesAll(sel.matchers, s.labels)) continue;
  const sp = p.forStream(s.labels);
  for (const e of s.entries) {
    if (e.ts.toString() !== ts) continue;
    const out: any = {};
    const ok = sp.process(e.ts, e.line, e.metadata, out);
    console.log(ok, e.line.toString(), out.labels?.key, out.line?.toString());
  }
}

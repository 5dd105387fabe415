#!/usr/bin/env node
// Node 20's test runner has no glob support: find *.test.ts files and run them under tsx.
// Latency load tests run afterwards on their own: beside other test files they would measure
// those files' load, not Skald's. They start after a pause: on ext4, creating files stays costly
// for a minute or more after many were deleted (the suite deletes thousands), which shows as push latency.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const ISOLATED = [join('test', 'e2e', 'fairness.test.ts')];

const roots = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['src', 'test'];
const files = [];
function walk(p) {
  const st = statSync(p);
  if (st.isFile()) { if (p.endsWith('.test.ts')) files.push(p); return; }
  for (const name of readdirSync(p).sort()) {
    if (name === 'node_modules' || name === 'fixtures') continue;
    walk(join(p, name));
  }
}
for (const r of roots) walk(r);

// SKALD_TEST_RECYCLE: chunk reads go to recycled buffers, poisoned when given back (src/querier/store-reader.ts).
const env = { ...process.env, SKALD_TEST_RECYCLE: '1' };
const run = (list, concurrency) => spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...list], { stdio: 'inherit', env }).status ?? 1;
const together = files.filter((f) => !ISOLATED.includes(f));
const alone = files.filter((f) => ISOLATED.includes(f));
let status = together.length > 0 ? run(together, 2) : 0;
const SETTLE_MS = 40_000;
if (alone.length > 0) {
  if (together.length > 0) await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  status = run(alone, 1) || status;
}
process.exit(status);

#!/usr/bin/env node
// Node 20's test runner has no glob support: find *.test.ts files and run them under tsx.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

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
const res = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], { stdio: 'inherit' });
process.exit(res.status ?? 1);

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startInProcess, type InProcessSkald } from '../helpers/inproc.js';

let skald: InProcessSkald;

before(async () => { skald = await startInProcess(); });
after(async () => { await skald.stop(); });

test('GET /debug/pprof/heap returns a V8 heap snapshot as an attachment', async () => {
  const res = await fetch(`${skald.url}/debug/pprof/heap`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/octet-stream');
  assert.match(res.headers.get('content-disposition') ?? '', /^attachment; filename="skald-.*\.heapsnapshot"$/);
  const snap = JSON.parse(await res.text()) as { snapshot?: { meta?: unknown; node_count?: number }; nodes?: number[] };
  assert.ok(snap.snapshot?.meta, 'snapshot meta');
  assert.ok((snap.nodes?.length ?? 0) > 0);
});

test('GET /debug/pprof/profile?seconds=1 returns a .cpuprofile', async () => {
  const t0 = Date.now();
  const res = await fetch(`${skald.url}/debug/pprof/profile?seconds=1`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/octet-stream');
  assert.match(res.headers.get('content-disposition') ?? '', /^attachment; filename="skald-.*\.cpuprofile"$/);
  const prof = JSON.parse(await res.text()) as { nodes: unknown[]; startTime: number; endTime: number; samples?: number[] };
  assert.ok(Array.isArray(prof.nodes) && prof.nodes.length > 0);
  assert.ok(prof.endTime > prof.startTime);
  const took = Date.now() - t0;
  assert.ok(took >= 900 && took < 10_000, `took ${took}ms`);
});

test('an invalid seconds value is a 400', async () => {
  const res = await fetch(`${skald.url}/debug/pprof/profile?seconds=abc`);
  assert.equal(res.status, 400);
  await res.text();
});

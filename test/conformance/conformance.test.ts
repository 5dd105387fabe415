import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { ScanPool, setScanPool } from '../../src/querier/scan-pool/pool.js';
import { lokiConformanceConfig } from '../helpers/conformance-config.js';
import { startInProcess, type InProcessSkald } from '../helpers/inproc.js';
import { compareCase } from './compare.js';
import { normalizeMeta, normalizeQuery, type MetaCase, type Normalized, type QueryCase } from './normalize.js';

/**
 * The LogQL and metadata conformance corpus: the answers Loki v3.4.5 gave over a fixed data set.
 * Every case must match, except those listed in known-failures.json with the reason.
 */
const FIX = new URL('../fixtures/conformance/', import.meta.url);
const readJson = <T>(rel: string | URL): T => JSON.parse(readFileSync(new URL(rel, FIX), 'utf8')) as T;
const KNOWN = JSON.parse(readFileSync(new URL('known-failures.json', import.meta.url), 'utf8')) as Record<string, string>;

async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(Array.from({ length: n }, async () => { while (i < items.length) await fn(items[i++]); }));
}

function queryParams(q: QueryCase): URLSearchParams {
  const p = new URLSearchParams({ query: q.query });
  if (q.kind === 'instant') {
    const t = q.time ?? q.end;
    if (t !== undefined) p.append('time', String(t));
  } else {
    if (q.start !== undefined) p.append('start', String(q.start));
    if (q.end !== undefined) p.append('end', String(q.end));
    if (q.step !== undefined) p.append('step', String(q.step));
  }
  if (q.limit !== undefined) p.append('limit', String(q.limit));
  if (q.direction !== undefined) p.append('direction', String(q.direction));
  return p;
}

describe('LogQL conformance corpus (public part)', () => {
  let s: InProcessSkald;
  before(async () => {
    s = await startInProcess('', [], lokiConformanceConfig);
    for (const payload of readJson<unknown[]>('dataset.json')) {
      const res = await fetch(`${s.url}/loki/api/v1/push`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(payload) });
      assert.equal(res.status, 204, await res.text());
    }
  });
  after(async () => { await s.stop(); });

  it('answers like Loki', { timeout: 300_000 }, async () => {
    const queries = readJson<QueryCase[]>('queries.public.json');
    const metas = readJson<MetaCase[]>('meta.public.json');
    const failures = new Map<string, string>();
    let passed = 0;
    const check = (id: string, exp: Normalized, act: Normalized): void => {
      const why = compareCase(exp, act);
      if (why) failures.set(id, why);
      else passed++;
    };
    await pool(queries, 4, async (q) => {
      const path = q.kind === 'instant' ? '/loki/api/v1/query' : '/loki/api/v1/query_range';
      const res = await fetch(`${s.url}${path}?${queryParams(q)}`, { headers: q.headers ?? {} });
      check(q.id, readJson<Normalized>(`expected/public/${q.id}.json`), normalizeQuery(q, res.status, await res.text()));
    });
    const expectedMeta = new Set(readdirSync(new URL('expected/meta/public/', FIX)).map((f) => f.replace(/\.json$/, '')));
    await pool(metas.filter((m) => expectedMeta.has(m.id)), 4, async (m) => {
      const p = new URLSearchParams();
      for (const [k, v] of Object.entries(m.params ?? {})) for (const x of Array.isArray(v) ? v : [v]) p.append(k, String(x));
      const res = await fetch(`${s.url}${m.path}?${p}`);
      check(m.id, readJson<Normalized>(`expected/meta/public/${m.id}.json`), normalizeMeta(m, res.status, await res.text()));
    });

    const total = passed + failures.size;
    console.log(`conformance: ${passed} passed, ${failures.size} failed (of ${total})`);
    const unexpected = [...failures].filter(([id]) => !(id in KNOWN));
    const fixed = Object.keys(KNOWN).filter((id) => !failures.has(id));
    for (const [id, why] of [...failures].sort()) console.log(`${id in KNOWN ? 'known' : 'FAIL '} ${id}: ${why}`);
    if (fixed.length > 0) console.log(`now passing (remove from known-failures.json): ${fixed.join(', ')}`);
    if (process.env.SKALD_CONFORMANCE_REPORT) {
      writeFileSync(process.env.SKALD_CONFORMANCE_REPORT, JSON.stringify(Object.fromEntries([...failures].sort()), null, 1) + '\n');
    }
    assert.deepEqual(unexpected.map(([id, why]) => `${id}: ${why}`), []);
  });

  it('answers the queries alike with every scan on the scan workers, from memory and from storage', { timeout: 300_000 }, async () => {
    // Small blocks, so that in-memory chunks have cut blocks too, and no retained flushed chunks,
    // so that stored chunks are read on their own: what the workers take.
    const config = (dir: string): string => lokiConformanceConfig(dir)
      .replace('chunk_retain_period: 24h', 'chunk_retain_period: 0s\n  chunk_block_size: 2048');
    const w = await startInProcess('', [], config);
    // Every query, however small, goes to the workers (their pipelines and extractors included).
    const workers = new ScanPool(2, 1);
    const previous = setScanPool(workers);
    try {
      for (const payload of readJson<unknown[]>('dataset.json')) {
        const res = await fetch(`${w.url}/loki/api/v1/push`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(payload) });
        assert.equal(res.status, 204, await res.text());
      }
      for (const phase of ['memory', 'storage']) {
        if (phase === 'storage') assert.equal((await fetch(`${w.url}/flush`, { method: 'POST' })).status, 204);
        const jobs = workers.pipelineJobs;
        const t0 = performance.now();
        const failures: string[] = [];
        await pool(readJson<QueryCase[]>('queries.public.json'), 4, async (q) => {
          if (q.id in KNOWN) return;
          const path = q.kind === 'instant' ? '/loki/api/v1/query' : '/loki/api/v1/query_range';
          const res = await fetch(`${w.url}${path}?${queryParams(q)}`, { headers: q.headers ?? {} });
          const why = compareCase(readJson<Normalized>(`expected/public/${q.id}.json`), normalizeQuery(q, res.status, await res.text()));
          if (why) failures.push(`${q.id}: ${why}`);
        });
        console.log(`conformance from ${phase} on the scan workers: ${failures.length} failed, ${workers.pipelineJobs - jobs} pipeline jobs, ${Math.round(performance.now() - t0)} ms`);
        assert.deepEqual(failures.sort(), [], phase);
        assert.ok(workers.pipelineJobs > jobs, `the workers ran pipelines (${phase})`);
      }
    } finally {
      setScanPool(previous);
      await workers.close();
      await w.stop();
    }
  });

  it('answers format_query like Loki over HTTP (GET and POST)', { timeout: 120_000 }, async () => {
    const cases = readJson<{ id: string; query: string; status: number; formatted?: string }[]>('format_query.public.json');
    const failed: string[] = [];
    await pool(cases, 4, async (c) => {
      const post = c.id.charCodeAt(c.id.length - 1) % 2 === 0;
      const body = new URLSearchParams({ query: c.query });
      const res = post
        ? await fetch(`${s.url}/loki/api/v1/format_query`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body })
        : await fetch(`${s.url}/loki/api/v1/format_query?${body}`);
      const text = await res.text();
      if (res.status !== c.status) failed.push(`${c.id}: status ${res.status} != ${c.status}`);
      else if (c.status === 200 && (JSON.parse(text) as { data: string }).data !== c.formatted) failed.push(`${c.id}: formatted differently`);
    });
    console.log(`format_query over HTTP: ${cases.length - failed.length} passed, ${failed.length} failed`);
    assert.deepEqual(failed, []);
  });
});

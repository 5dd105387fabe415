import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { startInProcess, type InProcessSkald } from '../helpers/inproc.js';
import { push } from '../helpers/push-client.js';

const FIXTURES = new URL('../fixtures/conformance/', import.meta.url);

/** The conformance corpus' limits (see the corpus README): no service_name / detected_level, old samples kept. */
const CONFORMANCE_YAML = `
ingester:
  chunk_idle_period: 24h
  max_chunk_age: 24h
  chunk_retain_period: 24h
querier:
  query_ingesters_within: 0
limits_config:
  reject_old_samples: false
  allow_structured_metadata: true
  discover_service_name: []
  discover_log_levels: false
  max_query_series: 10000
  max_entries_limit_per_query: 10000
  max_query_lookback: 0s
  max_query_length: 0s
  ingestion_rate_mb: 256
  ingestion_burst_size_mb: 512
  per_stream_rate_limit: 256MB
  per_stream_rate_limit_burst: 512MB
  max_line_size: 0
  volume_enabled: true
`;

interface MetaRequest {
  readonly id: string;
  readonly path: string;
  readonly params: Record<string, string | string[]>;
  readonly invalid?: boolean;
  readonly compare?: string;
}

type Obj = Record<string, string>;
interface Normalized {
  status: number;
  resultType: string | null;
  result: unknown;
}

const labelKey = (m: Obj) => Object.keys(m).sort().map((k) => `${k}=${JSON.stringify(m[k])}`).join(',');
const sortObj = (m: Obj): Obj => Object.fromEntries(Object.keys(m).sort().map((k) => [k, m[k]]));
const byLabels = <T>(get: (x: T) => Obj) => (a: T, b: T) => { const x = labelKey(get(a)), y = labelKey(get(b)); return x < y ? -1 : x > y ? 1 : 0; };

function formOf(params: MetaRequest['params']): URLSearchParams {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, x);
  return p;
}

/** The corpus runner's normalization: bare stats object, vectors and series sorted by labels, label lists sorted. */
function normalize(m: MetaRequest, status: number, text: string): Normalized {
  let body: unknown = null;
  try { body = JSON.parse(text); } catch { /* text error */ }
  const fail = { status, resultType: null, result: null };
  if (m.path.includes('/index/stats')) {
    if (status !== 200 || body === null || typeof body !== 'object' || Array.isArray(body)) return fail;
    return { status, resultType: 'stats', result: sortObj(body as Obj) };
  }
  const b = body as { status?: string; data?: unknown } | null;
  if (status !== 200 || b?.status !== 'success') return fail;
  const data = b.data ?? [];
  if (m.path.includes('/index/volume')) {
    const r = ((data as { result?: { metric: Obj; value: [number, string] }[] }).result ?? []).map((s) => ({ metric: sortObj(s.metric), value: s.value }));
    return { status, resultType: 'vector', result: r.sort(byLabels((s) => s.metric)) };
  }
  if (m.path.includes('/series')) return { status, resultType: 'series', result: (data as Obj[]).map(sortObj).sort(byLabels((x) => x)) };
  return { status, resultType: 'labels', result: [...(data as string[])].sort() };
}

/** The corpus comparison; null when equal, else why not. */
function compare(exp: Normalized & { invalid?: boolean; compare?: string }, act: Normalized): string | null {
  if (exp.compare === 'shape' && exp.status === 200 && act.status === 200) {
    const e = exp.result as Record<string, number>, a = act.result as Record<string, number>;
    if (Object.keys(e).sort().join() !== Object.keys(a).sort().join()) return `keys ${Object.keys(a)} != ${Object.keys(e)}`;
    for (const k of Object.keys(e)) if (!Number.isInteger(a[k]) || a[k] < 0) return `${k} is not a non-negative integer`;
    return null;
  }
  if (exp.invalid) return Math.floor(exp.status / 100) === Math.floor(act.status / 100) ? null : `status ${act.status}, expected class ${exp.status}`;
  if (exp.status !== act.status) return `status ${act.status} != ${exp.status}`;
  if (exp.status !== 200) return null;
  if (exp.resultType !== act.resultType) return `resultType ${act.resultType} != ${exp.resultType}`;
  if (exp.resultType === 'vector') {
    const e = exp.result as { metric: Obj; value: [number, string] }[], a = act.result as typeof e;
    if (e.length !== a.length) return `${a.length} series != ${e.length}: ${JSON.stringify(a).slice(0, 300)}`;
    for (let i = 0; i < e.length; i++) {
      if (labelKey(e[i].metric) !== labelKey(a[i].metric)) return `series #${i} {${labelKey(a[i].metric)}} != {${labelKey(e[i].metric)}}`;
      if (Number(e[i].value[0]) !== Number(a[i].value[0])) return `series #${i} time ${a[i].value[0]} != ${e[i].value[0]}`;
      if (Number(e[i].value[1]) !== Number(a[i].value[1])) return `{${labelKey(e[i].metric)}} value ${a[i].value[1]} != ${e[i].value[1]}`;
    }
    return null;
  }
  if (exp.resultType === 'series') {
    const e = (exp.result as Obj[]).map(labelKey), a = (act.result as Obj[]).map(labelKey);
    return JSON.stringify(e) === JSON.stringify(a) ? null : `series differ: missing ${e.filter((x) => !a.includes(x)).slice(0, 2)}, unexpected ${a.filter((x) => !e.includes(x)).slice(0, 2)}`;
  }
  return JSON.stringify(exp.result) === JSON.stringify(act.result) ? null : `got ${JSON.stringify(act.result).slice(0, 300)}`;
}

async function runCorpus(url: string, method: 'GET' | 'POST'): Promise<{ passed: number; failures: string[] }> {
  const metas = JSON.parse(await readFile(new URL('meta.public.json', FIXTURES), 'utf8')) as MetaRequest[];
  const failures: string[] = [];
  for (const m of metas) {
    const form = formOf(m.params);
    const res = method === 'GET'
      ? await fetch(`${url}${m.path}?${form}`)
      : await fetch(`${url}${m.path}`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: form.toString() });
    const act = normalize(m, res.status, await res.text());
    const exp = JSON.parse(await readFile(new URL(`expected/meta/public/${m.id}.json`, FIXTURES), 'utf8')) as Normalized;
    const why = compare(exp, act);
    if (why) failures.push(`${m.id}: ${why}`);
  }
  return { passed: metas.length - failures.length, failures };
}

describe('metadata endpoints against the public conformance corpus', () => {
  let s: InProcessSkald;
  before(async () => {
    s = await startInProcess(CONFORMANCE_YAML);
    const payloads = JSON.parse(await readFile(new URL('dataset.json', FIXTURES), 'utf8')) as unknown[];
    for (const p of payloads) {
      const res = await fetch(`${s.url}/loki/api/v1/push`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(p) });
      assert.equal(res.status, 204, await res.text());
    }
  });
  after(async () => { await s.stop(); });

  const report = (label: string, r: { passed: number; failures: string[] }) => {
    for (const f of r.failures) console.log(`  FAIL ${f}`);
    console.log(`metadata${label}: ${r.passed} passed, ${r.failures.length} failed`);
  };

  it('answers every request like Loki (GET)', { timeout: 60_000 }, async () => {
    const r = await runCorpus(s.url, 'GET');
    report('', r);
    assert.deepEqual(r.failures, []);
  });

  it('answers the same to POST forms', { timeout: 60_000 }, async () => {
    const r = await runCorpus(s.url, 'POST');
    report(' (POST)', r);
    assert.deepEqual(r.failures, []);
  });

  it('answers the same once the chunks are flushed to the store', { timeout: 60_000 }, async () => {
    const res = await fetch(`${s.url}/flush`, { method: 'POST' });
    assert.equal(res.status, 204);
    const r = await runCorpus(s.url, 'GET');
    report(' (flushed)', r);
    assert.deepEqual(r.failures, []);
    const stats = await fetch(`${s.url}/loki/api/v1/index/stats?${new URLSearchParams({ query: '{namespace="batch"}', start: '2026-01-01T00:00:00Z', end: '2026-01-01T02:00:00Z' })}`);
    const body = (await stats.json()) as Record<string, number>;
    assert.equal(body.streams, 6);
    assert.ok(body.entries > 0 && body.bytes > 0 && body.chunks >= 6);
  });
});

// Whole seconds: volume_range truncates each bucket's bounds to seconds, as Loki does, so an entry
// in the last fraction of a second of a bucket is counted in none (1 run in 60 otherwise).
const NOW = BigInt(Math.floor(Date.now() / 1000)) * 1_000_000_000n;
const SEC = 1_000_000_000n;

describe('metadata endpoints: tenancy and shapes', () => {
  let s: InProcessSkald;
  const A = { 'X-Scope-OrgID': 'tenant-a' };
  const B = { 'X-Scope-OrgID': 'tenant-b' };
  before(async () => {
    s = await startInProcess('auth_enabled: true\nlimits_config:\n  volume_enabled: true\n  discover_service_name: []\n  discover_log_levels: false\n');
    const a = await push(s.url, [
      { labels: { app: 'api', env: 'prod' }, entries: [{ ts: NOW - 60n * SEC, line: 'level=info msg="hi" took=15ms', metadata: { trace_id: 't1' } }, { ts: NOW - 30n * SEC, line: 'level=error msg="boom" took=1s' }] },
      { labels: { app: 'web', env: 'dev' }, entries: [{ ts: NOW - 20n * SEC, line: '{"status":200,"path":"/"}' }] },
    ], 'json', A);
    assert.equal(a.status, 204);
    const b = await push(s.url, [{ labels: { app: 'secret', team: 'b' }, entries: [{ ts: NOW - 10n * SEC, line: 'password=hunter2' }] }], 'json', B);
    assert.equal(b.status, 204);
  });
  after(async () => { await s.stop(); });

  const get = async (path: string, params: Record<string, string> = {}, headers: Record<string, string> = A) => {
    const res = await fetch(`${s.url}${path}?${new URLSearchParams(params)}`, { headers });
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
  };
  const sel = { query: '{app=~".+"}' };

  const endpoints: [string, Record<string, string>][] = [
    ['/loki/api/v1/labels', {}], ['/loki/api/v1/label', {}], ['/loki/api/v1/label/app/values', {}], ['/loki/api/v1/series', { 'match[]': '{app=~".+"}' }],
    ['/loki/api/v1/index/stats', sel], ['/loki/api/v1/index/volume', sel], ['/loki/api/v1/index/volume_range', sel],
    ['/loki/api/v1/detected_labels', {}], ['/loki/api/v1/detected_fields', sel], ['/loki/api/v1/detected_field/password/values', sel],
    ['/api/prom/label', {}], ['/api/prom/label/app/values', {}], ['/api/prom/series', { match: '{app=~".+"}' }],
  ];

  it('refuses requests without a tenant with 401 "no org id"', async () => {
    for (const [path, params] of endpoints) {
      const r = await get(path, params, {});
      assert.equal(r.status, 401, path);
      assert.equal(r.text, 'no org id', path);
      assert.match(r.type ?? '', /^text\/plain/);
    }
  });

  it('never shows one tenant another tenant\'s data', async () => {
    for (const [path, params] of endpoints) {
      const a = await get(path, params, A);
      assert.equal(a.status, 200, `${path}: ${a.text}`);
      assert.doesNotMatch(a.text, /secret|hunter2|"team"/, path);
      const b = await get(path, params, B);
      assert.equal(b.status, 200, `${path}: ${b.text}`);
      assert.doesNotMatch(b.text, /"api"|"web"|trace_id|"env"/, path);
    }
    assert.equal((await get('/loki/api/v1/label/app/values', {}, { 'X-Scope-OrgID': 'nobody' })).text, '{"status":"success"}');
  });

  it('answers labels, values and series in Loki\'s shapes', async () => {
    assert.equal((await get('/loki/api/v1/labels')).text, '{"status":"success","data":["app","env"]}');
    assert.equal((await get('/loki/api/v1/label/app/values', { query: '{env="dev"}' })).text, '{"status":"success","data":["web"]}');
    assert.equal((await get('/loki/api/v1/labels', { query: '{app="none"}' })).text, '{"status":"success"}');
    assert.equal((await get('/api/prom/label/app/values')).text, '{"values":["api","web"]}');
    assert.equal((await get('/loki/api/v1/series', { match: '{app="api"}' })).text, '{"status":"success","data":[{"app":"api","env":"prod"}]}');
    assert.equal((await get('/loki/api/v1/series', { 'match[]': '{}' })).text, '{"status":"success","data":[{"app":"api","env":"prod"},{"app":"web","env":"dev"}]}');
    assert.equal((await get('/loki/api/v1/series', { 'match[]': '{app="none"}' })).text, '{"status":"success","data":[]}');
    const old = await get('/loki/api/v1/series', { 'match[]': '{app="api"}', start: String((NOW - 7200n * SEC) / SEC), end: String((NOW - 3600n * SEC) / SEC) });
    assert.equal(old.text, '{"status":"success","data":[]}');
  });

  it('refuses pipelines where only matchers are allowed, and bad parameters, as 400 text', async () => {
    for (const [path, params, message] of [
      ['/loki/api/v1/series', { 'match[]': '{app="api"} |= "x"' }, 'only label matchers are supported'],
      ['/loki/api/v1/labels', { query: '{app="api"} | json' }, 'only label matchers are supported'],
      ['/loki/api/v1/index/stats', { query: '{app=~".*"}' }, undefined],
      ['/loki/api/v1/labels', { start: '10', end: '5' }, 'end timestamp must not be before or equal to start time'],
      ['/loki/api/v1/index/volume', { query: '{app="api"}', aggregateBy: 'pod' }, 'invalid aggregation option'],
    ] as const) {
      const r = await get(path, params);
      assert.equal(r.status, 400, `${path} ${JSON.stringify(params)}: ${r.text}`);
      assert.match(r.type ?? '', /^text\/plain/);
      if (message) assert.equal(r.text, message);
    }
    assert.equal((await get('/loki/api/v1/series', { 'match[]': '{app=~".*"}' })).status, 200);
  });

  it('reports stats, volumes and detected labels and fields', async () => {
    const stats = JSON.parse((await get('/loki/api/v1/index/stats', sel)).text) as Record<string, number>;
    assert.deepEqual(Object.keys(stats), ['streams', 'chunks', 'bytes', 'entries']);
    assert.equal(stats.streams, 2);
    assert.equal(stats.entries, 3);
    const vol = JSON.parse((await get('/loki/api/v1/index/volume', { query: '{app=~".+"}', aggregateBy: 'labels' })).text) as { data: { resultType: string; result: { metric: Obj; value: [number, string] }[] } };
    assert.equal(vol.data.resultType, 'vector');
    assert.deepEqual(vol.data.result.map((r) => [r.metric, r.value[1]]), [[{ app: '' }, '84'], [{ env: '' }, '84']]);
    const range = JSON.parse((await get('/loki/api/v1/index/volume_range', { query: '{app=~".+"}', step: '60' })).text) as { data: { resultType: string; result: { metric: Obj }[] } };
    assert.equal(range.data.resultType, 'matrix');
    assert.deepEqual(range.data.result.map((r) => r.metric), [{ app: 'api' }, { app: 'web' }]);
    assert.equal((await get('/loki/api/v1/detected_labels')).text, '{"detectedLabels":[{"label":"app","cardinality":2},{"label":"env","cardinality":2}]}');
    const fields = JSON.parse((await get('/loki/api/v1/detected_fields', sel)).text) as { fields: { label: string; type: string; parsers: string[] | null }[]; limit: number };
    assert.equal(fields.limit, 1000);
    const byName = Object.fromEntries(fields.fields.map((f) => [f.label, [f.type, f.parsers]]));
    assert.deepEqual(byName.took, ['duration', ['logfmt']]);
    assert.deepEqual(byName.status, ['int', ['json']]);
    assert.deepEqual(byName.trace_id, ['string', null]);
    assert.equal((await get('/loki/api/v1/detected_field/level/values', sel)).text, '{"values":["error","info"],"limit":1000}');
  });
});

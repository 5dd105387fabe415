/**
 * Normalized answers, in the shape of the corpus' expected files: streams, matrices and plain
 * vectors sorted by label set; ordered vectors keep their order except runs of equal values.
 */

export type LabelMap = Record<string, string>;

export interface QueryCase {
  id: string;
  area?: string;
  kind: 'range' | 'instant';
  query: string;
  start?: string | number;
  end?: string | number;
  time?: string | number;
  step?: string | number;
  limit?: number;
  direction?: string;
  invalid?: boolean;
  ordered?: boolean;
  headers?: Record<string, string>;
}

export interface MetaCase {
  id: string;
  path: string;
  params?: Record<string, string | string[]>;
  invalid?: boolean;
  compare?: string;
}

export interface Normalized {
  id: string;
  status: number;
  invalid?: boolean;
  compare?: string;
  resultType?: string | null;
  result?: unknown;
  encodingFlags?: string[];
  errorMessage?: string;
}

export const labelKey = (m: LabelMap | undefined): string =>
  Object.keys(m ?? {}).sort().map((k) => `${k}=${JSON.stringify(m![k])}`).join(',');

const sortObj = <T>(m: Record<string, T> | undefined): Record<string, T> =>
  Object.fromEntries(Object.keys(m ?? {}).sort().map((k) => [k, m![k]]));

const cmp = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);

export function num(s: unknown): number {
  if (typeof s === 'number') return s;
  if (s === 'NaN') return NaN;
  if (s === '+Inf' || s === 'Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  return Number(s);
}

interface VecSample { metric: LabelMap; value: [number, string] }

function tieSort(vec: VecSample[]): VecSample[] {
  const out: VecSample[] = [];
  for (let i = 0; i < vec.length;) {
    const v = num(vec[i].value[1]);
    let j = i + 1;
    while (j < vec.length && (num(vec[j].value[1]) === v || (Number.isNaN(v) && Number.isNaN(num(vec[j].value[1]))))) j++;
    out.push(...vec.slice(i, j).sort((a, b) => cmp(labelKey(a.metric), labelKey(b.metric))));
    i = j;
  }
  return out;
}

function normEntry(e: unknown[]): unknown[] {
  const third = e[2];
  if (e.length < 3 || !third || typeof third !== 'object') return e;
  const cat: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(third as Record<string, unknown>).sort(([a], [b]) => cmp(a, b))) {
    cat[k] = v && typeof v === 'object' ? sortObj(v as Record<string, unknown>) : v;
  }
  return [e[0], e[1], cat, ...e.slice(3)];
}

function parseJson(text: string): unknown {
  try { return JSON.parse(text); } catch { return null; }
}

interface ApiBody { status?: string; data?: { resultType?: string; result?: unknown; encodingFlags?: string[] } }

export function normalizeQuery(q: QueryCase, status: number, text: string): Normalized {
  const out: Normalized = { id: q.id, status };
  if (q.invalid) out.invalid = true;
  const body = parseJson(text) as ApiBody | null;
  if (status !== 200 || !body || body.status !== 'success') return { ...out, resultType: null, result: null, errorMessage: text.trim().slice(0, 400) };
  const data = body.data ?? {};
  out.resultType = data.resultType;
  if (data.encodingFlags?.length) out.encodingFlags = [...data.encodingFlags].sort();
  let r = data.result;
  switch (data.resultType) {
    case 'streams':
      r = ((r ?? []) as { stream: LabelMap; values: unknown[][] }[])
        .map((s) => ({ stream: sortObj(s.stream), values: (s.values ?? []).map(normEntry) }))
        .sort((a, b) => cmp(labelKey(a.stream), labelKey(b.stream)));
      break;
    case 'matrix':
      r = ((r ?? []) as { metric: LabelMap; values: unknown[] }[])
        .map((s) => ({ metric: sortObj(s.metric), values: s.values }))
        .sort((a, b) => cmp(labelKey(a.metric), labelKey(b.metric)));
      break;
    case 'vector': {
      const v = ((r ?? []) as VecSample[]).map((s) => ({ metric: sortObj(s.metric), value: s.value }));
      r = q.ordered ? tieSort(v) : v.sort((a, b) => cmp(labelKey(a.metric), labelKey(b.metric)));
      break;
    }
  }
  out.result = r;
  return out;
}

export function normalizeMeta(m: MetaCase, status: number, text: string): Normalized {
  const out: Normalized = { id: m.id, status };
  if (m.invalid) out.invalid = true;
  if (m.compare) out.compare = m.compare;
  const body = parseJson(text) as (ApiBody & Record<string, unknown>) | null;
  if (m.path.includes('/index/stats')) {
    if (status !== 200 || !body || typeof body !== 'object' || Array.isArray(body) || body.status === 'error') return { ...out, resultType: null, result: null, errorMessage: text };
    return { ...out, resultType: 'stats', result: sortObj(body) };
  }
  if (status !== 200 || !body || body.status !== 'success') return { ...out, resultType: null, result: null, errorMessage: text };
  const data = (body.data ?? []) as unknown;
  if (m.path.includes('/index/volume')) {
    const res = ((data as { result?: VecSample[] }).result ?? []).map((s) => ({ metric: sortObj(s.metric), value: s.value }));
    return { ...out, resultType: 'vector', result: res.sort((a, b) => cmp(labelKey(a.metric), labelKey(b.metric))) };
  }
  if (m.path.includes('/series')) {
    return { ...out, resultType: 'series', result: (data as LabelMap[]).map((x) => sortObj(x)).sort((a, b) => cmp(labelKey(a), labelKey(b))) };
  }
  return { ...out, resultType: 'labels', result: [...(data as string[])].sort() };
}

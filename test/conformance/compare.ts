import { labelKey, num, type LabelMap, type Normalized } from './normalize.js';

const REL = 1e-9;
const ABS = 1e-12;

const short = (v: unknown, n = 160): string => {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s === undefined ? 'undefined' : s.length > n ? s.slice(0, n) + '…' : s;
};

function numEq(a: unknown, b: unknown): boolean {
  const x = num(a), y = num(b);
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y);
  if (x === y) return true;
  if (!Number.isFinite(x) || !Number.isFinite(y)) return false;
  const d = Math.abs(x - y);
  return d <= ABS || d <= REL * Math.max(Math.abs(x), Math.abs(y));
}

interface Series { stream?: LabelMap; metric?: LabelMap; values?: unknown[][]; value?: unknown[] }

function diffSeries(exp: Series[], act: unknown, kind: string): string | null {
  if (!Array.isArray(act)) return `result is not an array: ${short(act)}`;
  const a = act as Series[];
  const labelsOf = (s: Series): string => labelKey(kind === 'streams' ? s.stream : s.metric);
  if (exp.length !== a.length) {
    const e = new Set(exp.map(labelsOf));
    const g = new Set(a.map(labelsOf));
    const missing = [...e].filter((k) => !g.has(k));
    const extra = [...g].filter((k) => !e.has(k));
    return `series count ${a.length} != expected ${exp.length}` + (missing.length ? `; missing {${short(missing[0], 120)}}` : '') + (extra.length ? `; unexpected {${short(extra[0], 120)}}` : '');
  }
  for (let i = 0; i < exp.length; i++) {
    const e = exp[i], g = a[i];
    if (labelsOf(e) !== labelsOf(g)) return `series #${i} labels {${short(labelsOf(g), 120)}} != expected {${short(labelsOf(e), 120)}}`;
    const where = `series {${short(labelsOf(e), 100)}}`;
    if (kind === 'vector') {
      if (!g.value || g.value.length !== 2) return `${where}: malformed value ${short(g.value)}`;
      if (num(e.value![0]) !== num(g.value[0])) return `${where}: timestamp ${String(g.value[0])} != expected ${String(e.value![0])}`;
      if (!numEq(e.value![1], g.value[1])) return `${where}: value ${String(g.value[1])} != expected ${String(e.value![1])}`;
      continue;
    }
    const ev = e.values ?? [], av = g.values ?? [];
    if (ev.length !== av.length) {
      let j = 0;
      while (j < Math.min(ev.length, av.length) && JSON.stringify(ev[j]) === JSON.stringify(av[j])) j++;
      return `${where}: ${av.length} entries != expected ${ev.length} (first difference at #${j}: got ${short(av[j], 80)}, expected ${short(ev[j], 80)})`;
    }
    for (let j = 0; j < ev.length; j++) {
      const x = ev[j], y = av[j];
      if (!Array.isArray(y) || y.length < 2) return `${where}: malformed entry #${j} ${short(y)}`;
      if (kind === 'streams') {
        if (String(x[0]) !== String(y[0])) return `${where}: entry #${j} timestamp ${String(y[0])} != expected ${String(x[0])}`;
        if (x[1] !== y[1]) return `${where}: entry #${j} line ${short(y[1], 80)} != expected ${short(x[1], 80)}`;
        if (JSON.stringify(x.slice(2)) !== JSON.stringify(y.slice(2))) return `${where}: entry #${j} metadata ${short(y.slice(2))} != expected ${short(x.slice(2))}`;
      } else {
        if (num(x[0]) !== num(y[0])) return `${where}: point #${j} timestamp ${String(y[0])} != expected ${String(x[0])}`;
        if (!numEq(x[1], y[1])) return `${where}: value at ${String(x[0])} is ${String(y[1])}, expected ${String(x[1])}`;
      }
    }
  }
  return null;
}

/** Why an answer differs from Loki's, or null when it matches (the corpus' comparison rules). */
export function compareCase(exp: Normalized, act: Normalized): string | null {
  if (exp.invalid || exp.compare === 'shape') {
    if (exp.compare === 'shape' && exp.status === 200 && act.status === 200) {
      const e = (exp.result ?? {}) as Record<string, unknown>;
      const a = act.result as Record<string, unknown> | null;
      if (!a || typeof a !== 'object' || Array.isArray(a)) return `result is not an object: ${short(a)}`;
      if (Object.keys(e).sort().join() !== Object.keys(a).sort().join()) return `keys {${Object.keys(a).sort().join()}} != expected {${Object.keys(e).sort().join()}}`;
      for (const k of Object.keys(e)) if (!Number.isInteger(a[k]) || (a[k] as number) < 0) return `${k} is not a non-negative integer`;
      return null;
    }
    return Math.floor(exp.status / 100) === Math.floor(act.status / 100) ? null : `status ${act.status} not in expected class ${Math.floor(exp.status / 100)}xx [got: ${short(act.errorMessage, 120)}]`;
  }
  if (exp.status !== act.status) {
    return `status ${act.status} != expected ${exp.status}` + (exp.errorMessage ? ` (${short(exp.errorMessage, 100)})` : '') + (act.errorMessage ? ` [got: ${short(act.errorMessage, 160)}]` : '');
  }
  if (exp.status !== 200) return null;
  if (exp.resultType !== act.resultType) return `resultType ${String(act.resultType)} != expected ${String(exp.resultType)}`;
  if (JSON.stringify(exp.encodingFlags ?? []) !== JSON.stringify(act.encodingFlags ?? [])) return `encodingFlags ${short(act.encodingFlags ?? [])} != expected ${short(exp.encodingFlags ?? [])}`;
  switch (exp.resultType) {
    case 'streams': case 'matrix': case 'vector':
      return diffSeries((exp.result ?? []) as Series[], act.result ?? [], exp.resultType);
    case 'scalar': {
      const e = exp.result as unknown[], a = act.result as unknown[];
      if (!Array.isArray(a) || a.length !== 2) return `malformed scalar ${short(a)}`;
      if (num(e[0]) !== num(a[0])) return `scalar timestamp ${String(a[0])} != expected ${String(e[0])}`;
      return numEq(e[1], a[1]) ? null : `scalar ${String(a[1])} != expected ${String(e[1])}`;
    }
    case 'labels': case 'series': {
      const key = (x: unknown): string => (typeof x === 'string' ? x : labelKey(x as LabelMap));
      const e = ((exp.result ?? []) as unknown[]).map(key), a = ((act.result ?? []) as unknown[]).map(key);
      if (JSON.stringify(e) === JSON.stringify(a)) return null;
      const missing = e.filter((x) => !a.includes(x)), extra = a.filter((x) => !e.includes(x));
      return `${exp.resultType} differ: ${missing.length} missing ${short(missing.slice(0, 3))}, ${extra.length} unexpected ${short(extra.slice(0, 3))}`;
    }
    default:
      return JSON.stringify(exp.result) === JSON.stringify(act.result) ? null : `result differs: got ${short(act.result)}, expected ${short(exp.result)}`;
  }
}

import { goQuote } from '../../model/labels.js';

/** A stream's labels as the API returns them. */
export type LabelSet = Readonly<Record<string, string>>;

const sortedKeys = (ls: LabelSet): string[] => Object.keys(ls).sort();

/** `{a="1", b="2"}`, keys sorted, values quoted like Go (Loki's LabelSet.String()). */
export function labelSetString(ls: LabelSet): string {
  return '{' + sortedKeys(ls).map((k) => `${k}=${goQuote(ls[k])}`).join(', ') + '}';
}

/** Labels every set shares with the same value. */
export function commonLabels(sets: readonly LabelSet[]): Record<string, string> {
  if (sets.length === 0) return {};
  const out: Record<string, string> = { ...sets[0] };
  for (const s of sets.slice(1)) {
    for (const k of Object.keys(out)) if (s[k] !== out[k]) delete out[k];
  }
  return out;
}

/** `ls` without the pairs also in `common`. */
export function subtractLabels(ls: LabelSet, common: LabelSet): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of sortedKeys(ls)) if (common[k] !== ls[k]) out[k] = ls[k];
  return out;
}

/** Keeps (`keep`) or drops the given label names. */
export function pickLabels(ls: LabelSet, names: readonly string[], keep: boolean): Record<string, string> {
  const set = new Set(names);
  const out: Record<string, string> = {};
  for (const k of sortedKeys(ls)) if (set.has(k) === keep) out[k] = ls[k];
  return out;
}

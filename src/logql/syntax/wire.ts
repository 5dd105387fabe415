/**
 * Syntax trees as structured-clone data, for worker threads that compile a query's pipeline
 * themselves. The tree is plain data except its label matchers (a class holding a compiled
 * RE2), which travel as their three fields and are rebuilt on arrival.
 */
import { LabelMatcher, type MatchType } from '../../model/matcher.js';

/** A tree after toWire(): clonable with postMessage. */
export type Wire = unknown;

const MATCHER = '$matcher';

export function toWire<T>(node: T): Wire {
  return encode(node);
}

/** The tree toWire() was given; the caller states its type, which the sender knew. */
export function fromWire<T>(wire: Wire): T {
  return decode(wire) as T;
}

function encode(v: unknown): unknown {
  if (v instanceof LabelMatcher) return { [MATCHER]: [v.name, v.type, v.value] };
  if (Array.isArray(v)) return v.map(encode);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = encode(x);
    return out;
  }
  return v;
}

function decode(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decode);
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const m = o[MATCHER];
    if (Array.isArray(m)) return new LabelMatcher(String(m[0]), m[1] as MatchType, String(m[2]));
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) out[k] = decode(x);
    return out;
  }
  return v;
}

/**
 * Filters over raw bytes (lines) or strings (label values) and their combinations, with
 * Loki's shortcut: an always-true filter vanishes from `and` and `or` (its isTrueFilter),
 * even where that changes the meaning of an `or`.
 */
import { containsLowerTest, containsTest, equalLowerTest, equalTest, type ByteTest } from './contains.js';

export type StringTest = (s: string) => boolean;

export interface Filter {
  /** Loki's TrueFilter: dropped from `and`/`or`, a label filter that is a no-op. */
  readonly always: boolean;
  readonly test: ByteTest;
  readonly testStr: StringTest;
}

export const TRUE_FILTER: Filter = { always: true, test: () => true, testStr: () => true };
/** `.+`: anything not empty (newlines included). */
export const EXISTS_FILTER: Filter = { always: false, test: (l) => l.length > 0, testStr: (s) => s.length > 0 };

/** A byte test; strings are converted (only ip and pattern tests, never on hot label paths). */
export function byteFilter(test: ByteTest, testStr?: StringTest): Filter {
  return { always: false, test, testStr: testStr ?? ((s) => test(Buffer.from(s, 'utf8'))) };
}

export function notFilter(f: Filter): Filter {
  const t = f.test;
  const ts = f.testStr;
  return { always: false, test: (l) => !t(l), testStr: (s) => !ts(s) };
}

export function andFilter(a: Filter, b: Filter): Filter {
  if (b.always) return a;
  if (a.always) return b;
  const ta = a.test;
  const tb = b.test;
  const sa = a.testStr;
  const sb = b.testStr;
  return { always: false, test: (l) => ta(l) && tb(l), testStr: (s) => sa(s) && sb(s) };
}

/** Loki's newOrFilter: an always-true side is dropped, not honoured. */
export function orFilter(a: Filter, b: Filter): Filter {
  if (a.always) return b;
  if (b.always) return a;
  const ta = a.test;
  const tb = b.test;
  const sa = a.testStr;
  const sb = b.testStr;
  return { always: false, test: (l) => ta(l) || tb(l), testStr: (s) => sa(s) || sb(s) };
}

export function containsFilter(needle: string, caseInsensitive: boolean): Filter {
  if (needle === '') return TRUE_FILTER;
  if (!caseInsensitive) return byteFilter(containsTest(needle), (s) => s.includes(needle));
  const lowered = needle.toLowerCase();
  return byteFilter(containsLowerTest(lowered), (s) => s.toLowerCase().includes(lowered));
}

export function equalFilter(needle: string, caseInsensitive: boolean): Filter {
  if (!caseInsensitive) return byteFilter(equalTest(needle), (s) => s === needle);
  const lowered = needle.toLowerCase();
  const n = Buffer.byteLength(lowered, 'utf8');
  return byteFilter(equalLowerTest(lowered), (s) => Buffer.byteLength(s, 'utf8') === n && s.toLowerCase().includes(lowered));
}

/**
 * Label filters (`| status >= 500`, `| level="error" or level="warn"`, `| addr = ip("…")`).
 * Typed filters drop entries without the label and keep entries whose value does not
 * convert, with LabelFilterErr unless an error is already set. `and` evaluates both sides;
 * `or` stops at a true left side.
 */
import type { LabelFilter, CompareOp } from '../syntax/index.js';
import { BytesError, DurationError, NumError, formatBytes, parseBytes, parseFloat64, parseGoDuration } from '../syntax/index.js';
import { TRUE_FILTER, equalFilter, notFilter, type Filter } from './filter.js';
import { fastDuration, fastDurationBytes, simpleIntBytes } from './fast-duration.js';
import { IpMatcher } from './ip-filter.js';
import type { LabelsBuilder } from './labels-builder.js';
import { regexFilter } from './line-filter.js';
import { ERROR_LABEL, ERR_LABEL_FILTER, type NameTable } from './names.js';
import type { Stage } from './stage.js';

/** A compiled label filter; test may set the error labels. */
export interface LabelTest {
  test(lbs: LabelsBuilder): boolean;
  /** The verdict for a lone value from its ASCII bytes, when they convert simply (see Stage.screen). */
  testBytes?(d: Uint8Array, s: number, e: number): boolean | undefined;
  readonly names: readonly string[];
  /** `=~".*"`-like matchers: Loki drops them from the pipeline. */
  readonly noop: boolean;
}

function compare<T extends number | bigint>(op: CompareOp, a: T, b: T): boolean {
  switch (op) {
    case '==': return a === b;
    case '!=': return a !== b;
    case '>': return a > b;
    case '>=': return a >= b;
    case '<': return a < b;
    case '<=': return a <= b;
  }
}

/** Loki's labelValue: `__error__` lives outside the label set (`__error_details__` is not looked up). */
function labelValue(lbs: LabelsBuilder, name: string): string {
  if (name === ERROR_LABEL) return lbs.err;
  return lbs.get(name) ?? '';
}

/** Parses a value straight from ASCII bytes when that is exact and simple, else undefined (string path). */
type BytesParse<T> = (d: Uint8Array, s: number, e: number) => T | undefined;

function typed<T>(
  name: string, parse: (s: string) => T, isConvErr: (e: unknown) => boolean, cmp: (v: T) => boolean, bytes?: BytesParse<T>,
): LabelTest {
  // The name's id in the query's name table, looked up once per table.
  let table: NameTable | undefined;
  let id = -1;
  return {
    names: [name],
    noop: false,
    ...(bytes !== undefined ? {
      testBytes(d: Uint8Array, s: number, e: number): boolean | undefined {
        const x = bytes(d, s, e);
        return x === undefined ? undefined : cmp(x);
      },
    } : {}),
    test(lbs) {
      if (lbs.names !== table) {
        table = lbs.names;
        id = table.id(name);
      }
      if (bytes !== undefined && lbs.rangeOf(id)) {
        const x = bytes(lbs.rangeLine, lbs.rangeStart, lbs.rangeEnd);
        if (x !== undefined) return cmp(x);
      }
      const v = lbs.getId(id);
      if (v === undefined) return false;
      let parsed: T;
      try {
        parsed = parse(v);
      } catch (err) {
        if (!isConvErr(err)) throw err;
        // An earlier, more useful error is kept.
        if (!lbs.hasErr()) {
          lbs.err = ERR_LABEL_FILTER;
          lbs.errDetails = (err as Error).message;
        }
        return true;
      }
      return cmp(parsed);
    },
  };
}

function stringTest(f: LabelFilter & { kind: 'StringFilter' }): LabelTest {
  const m = f.matcher;
  let filter: Filter;
  switch (m.type) {
    case '=': filter = equalFilter(m.value, false); break;
    case '!=': filter = notFilter(equalFilter(m.value, false)); break;
    case '=~': filter = regexFilter(m.value, true); break;
    case '!~': filter = notFilter(regexFilter(m.value, true)); break;
  }
  const name = m.name;
  const t = filter.testStr;
  return { names: [name], noop: filter === TRUE_FILTER, test: (lbs) => t(labelValue(lbs, name)) };
}

export function compileLabelFilter(f: LabelFilter): LabelTest {
  switch (f.kind) {
    case 'StringFilter': return stringTest(f);
    case 'NumberFilter': {
      const { op, value } = f;
      return typed(f.name, parseFloat64, (e) => e instanceof NumError, (v) => compare(op, v, value), simpleIntBytes);
    }
    case 'DurationFilter': {
      const { op, value } = f;
      const num = Number(value);
      const exact = Math.abs(num) < 2 ** 53;
      // Most values take the float path; the exact one handles errors and huge values.
      const parse = (s: string): number | bigint => (exact ? fastDuration(s) : undefined) ?? parseGoDuration(s);
      return typed(
        f.name, parse, (e) => e instanceof DurationError, (v) => (typeof v === 'number' ? compare(op, v, num) : compare(op, v, value)),
        exact ? fastDurationBytes : undefined,
      );
    }
    case 'BytesFilter': {
      const { op } = f;
      // Loki's frontend re-sends the query as text, printing sizes with humanize.Bytes:
      // `9KiB` reaches the querier as `9.2kB`. The filter compares with that value.
      const value = parseBytes(formatBytes(f.value).replace(/ /g, ''));
      return typed(f.name, parseBytes, (e) => e instanceof BytesError, (v) => compare(op, v, value));
    }
    case 'IpFilter': {
      let m: IpMatcher | undefined;
      try {
        m = new IpMatcher(f.pattern);
      } catch {
        // An invalid pattern is a query error upstream; here it matches nothing.
        m = undefined;
      }
      const name = f.name;
      const eq = f.op === '==';
      return {
        names: [name],
        noop: false,
        test(lbs) {
          if (lbs.hasErr()) return true;
          const v = lbs.get(name);
          if (v === undefined || m === undefined) return false;
          return m.testString(v) === eq;
        },
      };
    }
    case 'AndFilter': case 'OrFilter': {
      const l = compileLabelFilter(f.left);
      const r = compileLabelFilter(f.right);
      const names = [...new Set([...l.names, ...r.names])];
      if (f.kind === 'AndFilter') {
        return { names, noop: false, test: (lbs) => { const a = l.test(lbs); const b = r.test(lbs); return a && b; } };
      }
      return { names, noop: false, test: (lbs) => l.test(lbs) || r.test(lbs) };
    }
  }
}

/** A label filter as a pipeline stage; single filters may also run early from parsers. */
export function labelFilterStage(f: LabelFilter): Stage | undefined {
  const t = compileLabelFilter(f);
  if (t.noop) return undefined;
  const single = f.kind !== 'AndFilter' && f.kind !== 'OrFilter';
  return {
    process: (_ts, line, lbs) => (t.test(lbs) ? line : null),
    requiredLabelNames: () => t.names,
    hintFilter: single ? { name: t.names[0] } : undefined,
    probe: 'label',
    ...(single && t.testBytes !== undefined ? { screen: { name: t.names[0], test: t.testBytes } } : {}),
  };
}

import { parseBytes, parseFloat64, parseGoDuration } from '../../logql/syntax/index.js';

/** Whether `f` runs without throwing: how Go code here tests "parses as …". */
function parses(f: () => unknown): boolean {
  try {
    f();
    return true;
  } catch {
    return false;
  }
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** strconv.ParseInt(s, 10, 64) succeeds. */
export function isGoInt64(s: string): boolean {
  if (!/^[+-]?\d+$/.test(s)) return false;
  const n = BigInt(s);
  return n >= INT64_MIN && n <= INT64_MAX;
}

/** strconv.ParseFloat(s, 64) succeeds (out-of-range values fail, as in Go). */
export function isGoFloat(s: string): boolean {
  return parses(() => {
    const v = parseFloat64(s);
    if (!Number.isFinite(v) && !/^[+-]?(inf|infinity|nan)$/i.test(s)) throw new RangeError('out of range');
  });
}

const GO_BOOLS = new Set(['1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False']);

/** strconv.ParseBool(s) succeeds. */
export function isGoBool(s: string): boolean {
  return GO_BOOLS.has(s);
}

const HEX = '[0-9a-fA-F]';
const UUID_RE = new RegExp(
  `^(?:${HEX}{8}-${HEX}{4}-${HEX}{4}-${HEX}{4}-${HEX}{12}|urn:uuid:${HEX}{8}-${HEX}{4}-${HEX}{4}-${HEX}{4}-${HEX}{12}` +
  `|\\{${HEX}{8}-${HEX}{4}-${HEX}{4}-${HEX}{4}-${HEX}{12}\\}|${HEX}{32})$`, 'i',
);

/** github.com/google/uuid Parse succeeds: plain, urn:uuid:, braced or 32 hex digits. */
export function isUuid(s: string): boolean {
  return UUID_RE.test(s);
}

export type DetectedFieldType = 'int' | 'float' | 'boolean' | 'duration' | 'bytes' | 'string';

/** Loki's determineType for detected fields: the first parse that succeeds wins. */
export function detectFieldType(value: string): DetectedFieldType {
  if (isGoInt64(value)) return 'int';
  if (isGoFloat(value)) return 'float';
  if (isGoBool(value)) return 'boolean';
  if (parses(() => parseGoDuration(value))) return 'duration';
  if (parses(() => parseBytes(value))) return 'bytes';
  return 'string';
}

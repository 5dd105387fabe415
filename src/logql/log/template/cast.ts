/** spf13/cast conversions as sprig uses them: failures become 0. */
import { parseFloat64 } from '../../syntax/index.js';
import { parseInt64 } from './strconv.js';
import { GoInt, type GoValue } from './values.js';

/** cast's trimZeroDecimal: "12.000" → "12", "12.5" unchanged. */
function trimZeroDecimal(s: string): string {
  let foundZero = false;
  for (let i = s.length; i > 0; i--) {
    const c = s[i - 1];
    if (c === '.') {
      if (foundZero) return s.slice(0, i - 1);
    } else if (c === '0') {
      foundZero = true;
    } else {
      return s;
    }
  }
  return s;
}

/** Go's int64(f): truncation; out of range gives the minimum int64 (amd64). */
export function floatToInt64(f: number): bigint {
  if (!Number.isFinite(f) || f >= 9223372036854775808 || f < -9223372036854775808) return -(1n << 63n);
  return BigInt(Math.trunc(f));
}

export function toInt64(v: GoValue): bigint {
  if (v instanceof GoInt) return v.v;
  switch (typeof v) {
    case 'number': return floatToInt64(v);
    case 'boolean': return v ? 1n : 0n;
    case 'string': return parseInt64(trimZeroDecimal(v), 0) ?? 0n;
  }
  return 0n;
}

export function toFloat64(v: GoValue): number {
  if (v instanceof GoInt) return Number(v.v);
  switch (typeof v) {
    case 'number': return v;
    case 'boolean': return v ? 1 : 0;
    case 'string':
      try {
        return parseFloat64(v);
      } catch {
        return 0;
      }
  }
  return 0;
}

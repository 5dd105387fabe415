/**
 * Byte sizes with go-humanize semantics, as Loki's bytes literals, bytes label filters,
 * `unwrap bytes()` and the printer use them. Values are uint64 (bigint).
 */
import { formatFixed } from './go-format.js';
import { parseFloat64, quote } from './go-strconv.js';

export class BytesError extends Error {}

const KB = 1000;
const KIB = 1024;

const SIZES: ReadonlyMap<string, number> = new Map([
  ['b', 1], ['', 1],
  ['kib', KIB], ['ki', KIB], ['kb', KB], ['k', KB],
  ['mib', KIB ** 2], ['mi', KIB ** 2], ['mb', KB ** 2], ['m', KB ** 2],
  ['gib', KIB ** 3], ['gi', KIB ** 3], ['gb', KB ** 3], ['g', KB ** 3],
  ['tib', KIB ** 4], ['ti', KIB ** 4], ['tb', KB ** 4], ['t', KB ** 4],
  ['pib', KIB ** 5], ['pi', KIB ** 5], ['pb', KB ** 5], ['p', KB ** 5],
  ['eib', KIB ** 6], ['ei', KIB ** 6], ['eb', KB ** 6], ['e', KB ** 6],
]);

/** float64(math.MaxUint64), i.e. 2^64. */
const MAX_UINT64_FLOAT = 2 ** 64;
const DIGIT = /\p{Nd}/u;

/** humanize.ParseBytes: `10KB` = 10000, `8MiB` = 8388608, `1.5 GB`; suffix case-insensitive. */
export function parseBytes(s: string): bigint {
  let end = 0;
  let hasComma = false;
  for (const ch of s) {
    if (!(ch === '.' || ch === ',' || DIGIT.test(ch))) break;
    if (ch === ',') hasComma = true;
    end += ch.length;
  }
  let num = s.slice(0, end);
  if (hasComma) num = num.replace(/,/g, '');
  let f: number;
  try {
    f = parseFloat64(num);
  } catch (err) {
    throw new BytesError((err as Error).message);
  }
  const extra = s.slice(end).trim().toLowerCase();
  const m = SIZES.get(extra);
  if (m === undefined) throw new BytesError(`unhandled size name: ${extra}`);
  f *= m;
  if (f >= MAX_UINT64_FLOAT) throw new BytesError(`too large: ${s}`);
  if (!(f >= 0)) throw new BytesError(`strconv.ParseFloat: parsing ${quote(num)}: invalid syntax`);
  return BigInt(Math.trunc(f));
}

const SI_SUFFIXES = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];

/** humanize.Bytes: SI units with one decimal below 10 (`9.2 kB`, `10 kB`, `5 B`). */
export function formatBytes(n: bigint): string {
  if (n < 10n) return `${n} B`;
  const s = Number(n);
  const e = Math.floor(Math.log(s) / Math.log(1000));
  const val = Math.floor((s / Math.pow(1000, e)) * 10 + 0.5) / 10;
  return `${formatFixed(val, val < 10 ? 1 : 0)} ${SI_SUFFIXES[e]}`;
}

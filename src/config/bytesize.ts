/**
 * Byte sizes with Loki's flagext.ByteSize semantics (c2h5oh/datasize): units are powers
 * of 1024 whatever their spelling, so `256KB` = 262144 and `3MB` = 3145728.
 */
import { ValueError } from './errors.js';

const UNITS: ReadonlyArray<[readonly string[], number]> = [
  [['', 'b', 'byte'], 1],
  [['k', 'kb', 'kib', 'kilo', 'kilobyte', 'kilobytes'], 2 ** 10],
  [['m', 'mb', 'mib', 'mega', 'megabyte', 'megabytes'], 2 ** 20],
  [['g', 'gb', 'gib', 'giga', 'gigabyte', 'gigabytes'], 2 ** 30],
  [['t', 'tb', 'tib', 'tera', 'terabyte', 'terabytes'], 2 ** 40],
  [['p', 'pb', 'pib', 'peta', 'petabyte', 'petabytes'], 2 ** 50],
  [['e', 'eb', 'eib', 'exa', 'exabyte', 'exabytes'], 2 ** 60],
];

const SUFFIXES: ReadonlyArray<[string, number]> = [
  ['EB', 2 ** 60], ['PB', 2 ** 50], ['TB', 2 ** 40], ['GB', 2 ** 30], ['MB', 2 ** 20], ['KB', 2 ** 10],
];

/** `256KB`, `3mb`, `1 GiB`, `1048576` → bytes. Decimals are rejected, like Loki. */
export function parseByteSize(input: string): number {
  const m = /^(\d+)\s*([a-zA-Z]*)\s*$/.exec(input.trim());
  if (!m) throw new ValueError(`invalid byte size "${input}"`);
  const unit = m[2].toLowerCase();
  const mult = UNITS.find(([names]) => names.includes(unit))?.[1];
  if (mult === undefined) throw new ValueError(`invalid byte size "${input}": unknown unit "${m[2]}"`);
  const v = Number(m[1]) * mult;
  if (!Number.isSafeInteger(v)) throw new ValueError(`byte size "${input}" is too large`);
  return v;
}

/** datasize's String(): the largest unit that divides exactly (`256KB`, `1536KB`, `0B`). */
export function formatByteSize(bytes: number): string {
  if (bytes === 0) return '0B';
  for (const [suffix, mult] of SUFFIXES) {
    if (bytes % mult === 0) return `${bytes / mult}${suffix}`;
  }
  return `${bytes}B`;
}

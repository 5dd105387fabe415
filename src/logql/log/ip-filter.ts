/**
 * ip("…") matching (Loki's ipFilter): scan the bytes for something that looks like an
 * address by its first bytes, parse the run of address characters, test it.
 */
import { ipPatternContains, parseIpAddr, parseIpPattern, type IpPattern } from '../syntax/index.js';

const V4 = charset('0123456789.');
const V6 = charset('0123456789abcdefABCDEF:.');

function charset(chars: string): Uint8Array {
  const t = new Uint8Array(256);
  for (let i = 0; i < chars.length; i++) t[chars.charCodeAt(i)] = 1;
  return t;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

function v4Hint(b: Uint8Array, i: number): boolean {
  return isDigit(b[i]) && (b[i + 1] === 0x2e || b[i + 2] === 0x2e || b[i + 3] === 0x2e);
}

function v6Hint(b: Uint8Array, i: number): boolean {
  const c0 = b[i];
  const c1 = b[i + 1];
  if (c0 === 0x3a && c1 === 0x3a && isHex(b[i + 2])) return true;
  if (!isHex(c0)) return false;
  if (c1 === 0x3a) return true;
  if (!isHex(c1)) return false;
  if (b[i + 2] === 0x3a) return true;
  if (!isHex(b[i + 2])) return false;
  if (b[i + 3] === 0x3a) return true;
  return isHex(b[i + 3]) && b[i + 4] === 0x3a;
}

/** A compiled ip() pattern; throws IpPatternError for an invalid one. */
export class IpMatcher {
  private readonly pattern: IpPattern;

  constructor(pattern: string) {
    this.pattern = parseIpPattern(pattern);
  }

  /** Whether the bytes contain an address the pattern matches. */
  test(line: Uint8Array): boolean {
    const n = line.length;
    if (n === 0) return false;
    for (let i = 0; i < n; i++) {
      let set: Uint8Array | undefined;
      if (i + 3 < n && v4Hint(line, i)) set = V4;
      else if (i + 4 < n && v6Hint(line, i)) set = V6;
      else continue;
      let end = i;
      while (end < n && set[line[end]] === 1) end++;
      const addr = parseIpAddr(latin1(line, i, end));
      if (addr !== undefined && ipPatternContains(this.pattern, addr)) return true;
      i = end;
    }
    return false;
  }

  testString(s: string): boolean {
    return this.test(Buffer.from(s, 'utf8'));
  }
}

function latin1(b: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(b[i]);
  return s;
}

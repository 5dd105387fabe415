/**
 * ip("…") patterns of line and label filters: a single address, a CIDR prefix or an
 * `a-b` range, IPv4 or IPv6, parsed like Go's net/netip (and go4.org/netipx for ranges).
 */
import { quote } from './go-strconv.js';

/** An address: 32-bit (IPv4) or 128-bit (IPv6) value, with an optional IPv6 zone. */
export interface IpAddr {
  readonly bits: 32 | 128;
  readonly value: bigint;
  readonly zone: string;
}

export type IpPattern =
  | { readonly kind: 'addr'; readonly addr: IpAddr }
  | { readonly kind: 'prefix'; readonly addr: IpAddr; readonly prefixLen: number }
  | { readonly kind: 'range'; readonly from: IpAddr; readonly to: IpAddr };

export class IpPatternError extends Error {}

function parseIPv4(s: string): bigint | undefined {
  const fields = s.split('.');
  if (fields.length !== 4) return undefined;
  let v = 0n;
  for (const f of fields) {
    if (!/^[0-9]{1,3}$/.test(f) || (f.length > 1 && f[0] === '0')) return undefined;
    const n = Number(f);
    if (n > 255) return undefined;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

function parseIPv6(s0: string): { value: bigint; zone: string } | undefined {
  let s = s0;
  let zone = '';
  const pct = s.indexOf('%');
  if (pct >= 0) {
    zone = s.slice(pct + 1);
    s = s.slice(0, pct);
    if (zone === '') return undefined;
  }
  const groups: number[] = [];
  let ellipsis = -1;
  if (s.startsWith('::')) {
    ellipsis = 0;
    s = s.slice(2);
  }
  while (s !== '') {
    const m = /^[0-9a-fA-F]{1,4}/.exec(s);
    if (!m) return undefined;
    // An embedded IPv4 address ends the address.
    if (s.length > m[0].length && s[m[0].length] === '.') {
      if (ellipsis < 0 && groups.length !== 6) return undefined;
      if (groups.length > 6) return undefined;
      const v4 = parseIPv4(s);
      if (v4 === undefined) return undefined;
      groups.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      break;
    }
    groups.push(parseInt(m[0], 16));
    s = s.slice(m[0].length);
    if (s === '') break;
    if (s[0] !== ':' || s.length === 1) return undefined;
    s = s.slice(1);
    if (s[0] === ':') {
      if (ellipsis >= 0) return undefined;
      ellipsis = groups.length;
      s = s.slice(1);
    }
    if (groups.length > 8) return undefined;
  }
  if (groups.length > 8 || (ellipsis < 0 && groups.length !== 8) || (ellipsis >= 0 && groups.length === 8)) return undefined;
  const full = ellipsis < 0 ? groups : [...groups.slice(0, ellipsis), ...new Array<number>(8 - groups.length).fill(0), ...groups.slice(ellipsis)];
  let v = 0n;
  for (const g of full) v = (v << 16n) | BigInt(g);
  return { value: v, zone };
}

/** netip.ParseAddr. */
export function parseIpAddr(s: string): IpAddr | undefined {
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '.') {
      const v = parseIPv4(s);
      return v === undefined ? undefined : { bits: 32, value: v, zone: '' };
    }
    if (c === ':') {
      const v = parseIPv6(s);
      return v === undefined ? undefined : { bits: 128, value: v.value, zone: v.zone };
    }
    if (c === '%') return undefined;
  }
  return undefined;
}

function parsePrefix(s: string): IpPattern | undefined {
  const slash = s.lastIndexOf('/');
  if (slash < 0) return undefined;
  const addr = parseIpAddr(s.slice(0, slash));
  const bitsText = s.slice(slash + 1);
  if (!addr || addr.zone !== '' || !/^(0|[1-9][0-9]*)$/.test(bitsText)) return undefined;
  const prefixLen = Number(bitsText);
  if (prefixLen > addr.bits) return undefined;
  return { kind: 'prefix', addr, prefixLen };
}

/** Parses an ip() pattern; the error text is Loki's. */
export function parseIpPattern(pattern: string): IpPattern {
  const addr = parseIpAddr(pattern);
  if (addr) return { kind: 'addr', addr };
  const prefix = parsePrefix(pattern);
  if (prefix) return prefix;
  const dash = pattern.indexOf('-');
  if (dash >= 0) {
    const from = parseIpAddr(pattern.slice(0, dash));
    const to = parseIpAddr(pattern.slice(dash + 1));
    if (from && to && from.bits === to.bits && to.value >= from.value) {
      return { kind: 'range', from: { ...from, zone: '' }, to: { ...to, zone: '' } };
    }
  }
  throw new IpPatternError(`ip: invalid pattern: ${quote(pattern)}`);
}

/** Whether an address (netip.ParseAddr of a candidate) matches the pattern. */
export function ipPatternContains(p: IpPattern, ip: IpAddr): boolean {
  switch (p.kind) {
    case 'addr': return p.addr.bits === ip.bits && p.addr.value === ip.value && p.addr.zone === ip.zone;
    case 'prefix': {
      if (ip.bits !== p.addr.bits || ip.zone !== '') return false;
      const shift = BigInt(ip.bits - p.prefixLen);
      return ip.value >> shift === p.addr.value >> shift;
    }
    case 'range':
      return ip.bits === p.from.bits && ip.zone === '' && ip.value >= p.from.value && ip.value <= p.to.value;
  }
}

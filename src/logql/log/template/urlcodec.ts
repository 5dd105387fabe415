/** net/url QueryEscape / QueryUnescape. */
import { goQuote } from '../../syntax/index.js';
import { CallError } from './exec.js';

const UNRESERVED = /^[A-Za-z0-9\-_.~]$/;

export function queryEscape(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    if (b < 0x80 && UNRESERVED.test(c)) out += c;
    else if (b === 0x20) out += '+';
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

function unhex(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

export function queryUnescape(s: string): string {
  const b = Buffer.from(s, 'utf8');
  const out: number[] = [];
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c === 0x25) {
      if (i + 2 >= b.length || unhex(b[i + 1]) < 0 || unhex(b[i + 2]) < 0) {
        const rest = b.subarray(i, Math.min(i + 3, b.length)).toString('utf8');
        throw new CallError('invalid URL escape ' + goQuote(rest));
      }
      out.push(unhex(b[i + 1]) * 16 + unhex(b[i + 2]));
      i += 2;
    } else if (c === 0x2b) {
      out.push(0x20);
    } else {
      out.push(c);
    }
  }
  return Buffer.from(out).toString('utf8');
}

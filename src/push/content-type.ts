/**
 * Media type of a push body, checked like Go's mime.ParseMediaType (Loki rejects what it
 * rejects, with its error text). A missing or empty header selects protobuf.
 */
import { BadRequestError } from '../util/errors.js';

const TSPECIALS = ' ()<>@,;:\\"/[]?=';

function isTokenChar(c: number): boolean {
  return c > 0x20 && c < 0x80 && !TSPECIALS.includes(String.fromCharCode(c));
}

/** Splits a token off the front of v: [token, rest]. */
function consumeToken(v: string): [string, string] {
  let i = 0;
  while (i < v.length && isTokenChar(v.charCodeAt(i))) i++;
  return [v.slice(0, i), v.slice(i)];
}

function consumeValue(v: string): [string, string] | undefined {
  if (v === '') return ['', ''];
  if (v[0] !== '"') return consumeToken(v);
  let out = '';
  for (let i = 1; i < v.length; i++) {
    const c = v[i];
    if (c === '"') return [out, v.slice(i + 1)];
    if (c === '\\' && i + 1 < v.length && TSPECIALS.includes(v[i + 1])) { out += v[i + 1]; i++; continue; }
    if (c === '\r' || c === '\n') return undefined;
    out += c;
  }
  return undefined;
}

/** One `; key=value`; undefined when v does not start with a well-formed parameter. */
function consumeParam(v: string): [string, string, string] | undefined {
  let rest = v.trimStart();
  if (!rest.startsWith(';')) return undefined;
  rest = rest.slice(1).trimStart();
  const [rawKey, afterKey] = consumeToken(rest);
  const key = rawKey.toLowerCase();
  if (key === '') return undefined;
  rest = afterKey.trimStart();
  if (!rest.startsWith('=')) return undefined;
  rest = rest.slice(1).trimStart();
  const value = consumeValue(rest);
  if (value === undefined || (value[0] === '' && value[1] === rest)) return undefined;
  return [key, value[0], value[1]];
}

function checkMediaType(s: string): void {
  const [type, rest] = consumeToken(s);
  if (type === '') throw new BadRequestError('mime: no media type');
  if (rest === '') return;
  if (!rest.startsWith('/')) throw new BadRequestError('mime: expected slash after first token');
  const [subtype, tail] = consumeToken(rest.slice(1));
  if (subtype === '') throw new BadRequestError('mime: expected token after slash');
  if (tail !== '') throw new BadRequestError('mime: unexpected content after media subtype');
}

/** Lower-cased media type without parameters; '' when the header is absent or empty. */
export function parseMediaType(header: string | undefined): string {
  if (header === undefined || header.trim() === '') return '';
  const semi = header.indexOf(';');
  const base = semi < 0 ? header : header.slice(0, semi);
  const mediaType = base.toLowerCase().trim();
  checkMediaType(mediaType);
  const params = new Map<string, string>();
  let v = header.slice(base.length);
  while (v.length > 0) {
    v = v.trimStart();
    if (v.length === 0) break;
    const p = consumeParam(v);
    if (p === undefined) {
      if (v.trim() === ';') break;
      throw new BadRequestError('mime: invalid media parameter');
    }
    const [key, value, rest] = p;
    const prev = params.get(key);
    if (prev !== undefined && prev !== value) throw new BadRequestError('mime: duplicate parameter name');
    params.set(key, value);
    v = rest;
  }
  return mediaType;
}

/**
 * jsonparser.EachKey (grafana fork): one pass over the document finding several paths,
 * each path matched at most once. A straight port, quirks included (keys are recognised
 * by a following ':' at any depth; arrays are only entered for index paths).
 */
import {
  JT, MALFORMED_JSON, blockEnd, getValue, nextToken, scan, stringEnd, unescape, type Value,
} from './json-scan.js';

export type EachKeyFn = (pathIndex: number, v: Value | undefined, err: string | undefined) => void;

function keyString(d: Buffer, ks: number, ke: number, escaped: boolean): string | undefined {
  if (!escaped) return d.toString('utf8', ks, ke);
  const u = unescape(d, ks, ke);
  return u === undefined ? undefined : u.toString('utf8');
}

function sameTree(p: readonly string[], buf: readonly string[], level: number): boolean {
  const n = Math.min(p.length, level);
  for (let k = 0; k < n; k++) if (p[k] !== buf[k]) return false;
  return true;
}

/** strconv.Atoi of the inside of "[n]" (0 on error, as the library ignores it). */
function indexOf(seg: string): number {
  const s = seg.slice(1, -1);
  return /^[+-]?[0-9]+$/.test(s) ? Number(s) : 0;
}

type ArrayFn = (v: Value, offset: number) => void;

/** ArrayEach over the array at [s, end); returns the offset reached, relative to s (or -1). */
function arrayEach(d: Buffer, s: number, end: number, fn: ArrayFn): number {
  if (end - s === 0) return -1;
  const nT = nextToken(d, s, end);
  if (nT === -1) return -1;
  let off = nT + 1;
  const nO = nextToken(d, off, end);
  if (nO === -1) return off - s;
  off = nO;
  if (d[off] === 0x5d) return off - s;
  const v: Value = { type: JT.NotExist, start: 0, end: 0, next: 0, escaped: false };
  for (;;) {
    if (getValue(d, off, end, v) !== undefined) return off - s;
    if (v.next === off) break;
    fn({ ...v }, v.next - (v.end - v.start));
    off = v.next;
    const t = nextToken(d, off, end);
    if (t === -1) return off - s;
    off = t;
    if (d[off] === 0x5d) break;
    if (d[off] !== 0x2c) return off - s;
    off++;
  }
  return off - s;
}

/** searchKeys on [s, end): the absolute index just after the path's ':' (or s for no keys), or -1. */
function searchKeys(d: Buffer, s: number, end: number, keys: readonly string[]): number {
  let keyLevel = 0;
  let level = 0;
  let i = s;
  const lk = keys.length;
  let lastMatched = true;
  if (lk === 0) return s;
  while (i < end) {
    switch (d[i]) {
      case 0x22: {
        i++;
        const keyBegin = i;
        const se = stringEnd(d, i, end);
        if (se === -1) return -1;
        const esc = scan.escaped;
        i = se;
        const keyEnd = i - 1;
        const vo = nextToken(d, i, end);
        if (vo === -1) return -1;
        i = vo;
        if (d[i] === 0x3a) {
          if (level < 1) return -1;
          const key = keyString(d, keyBegin, keyEnd, esc);
          if (key === undefined) return -1;
          if (level > lk) return -1;
          if (key === keys[level - 1]) {
            lastMatched = true;
            if (keyLevel === level - 1) {
              keyLevel++;
              if (keyLevel === lk) return i + 1;
            }
          } else {
            lastMatched = false;
          }
        } else {
          i--;
        }
        break;
      }
      case 0x7b:
        if (!lastMatched) {
          const be = blockEnd(d, i, end, 0x7b, 0x7d);
          if (be === -1) return -1;
          i = be - 1;
        } else {
          level++;
        }
        break;
      case 0x7d:
        level--;
        if (level === keyLevel) keyLevel--;
        break;
      case 0x5b:
        if (keyLevel === level && level < lk && keys[level].startsWith('[')) {
          const seg = keys[level];
          if (seg.length < 3 || !seg.endsWith(']') || !/^[+-]?[0-9]+$/.test(seg.slice(1, -1))) return -1;
          const aIdx = Number(seg.slice(1, -1));
          let cur = 0;
          let fs = -1;
          let fe = -1;
          arrayEach(d, i, end, (v, offset) => {
            if (cur === aIdx) {
              if (v.type === JT.String) {
                fs = offset - 2;
                fe = fs + (v.end - v.start) + 2;
              } else {
                fs = v.start;
                fe = v.end;
              }
            }
            cur++;
          });
          if (fs === -1) return -1;
          const sub = searchKeys(d, fs, fe, keys.slice(level + 1));
          return sub < 0 ? -1 : sub;
        } else {
          const skip = blockEnd(d, i, end, 0x5b, 0x5d);
          if (skip === -1) return -1;
          i = skip - 1;
        }
        break;
      case 0x3a:
        return -1;
    }
    i++;
  }
  return -1;
}

/** EachKey over the whole line. */
export function eachKey(d: Buffer, paths: readonly (readonly string[])[], fn: EachKeyFn): void {
  let level = 0;
  let matched = 0;
  let i = 0;
  const ln = d.length;
  const flags = new Array<boolean>(paths.length).fill(false);
  let maxPath = 0;
  for (const p of paths) maxPath = Math.max(maxPath, p.length);
  const buf = new Array<string>(maxPath).fill('');
  const v: Value = { type: JT.NotExist, start: 0, end: 0, next: 0, escaped: false };
  while (i < ln) {
    switch (d[i]) {
      case 0x22: {
        i++;
        const keyBegin = i;
        const se = stringEnd(d, i, ln);
        if (se === -1) return;
        const esc = scan.escaped;
        i = se;
        const keyEnd = i - 1;
        const vo = nextToken(d, i, ln);
        if (vo === -1) return;
        i = vo;
        if (d[i] === 0x3a) {
          let match = -1;
          const key = keyString(d, keyBegin, keyEnd, esc);
          if (key === undefined) return;
          if (maxPath >= level) {
            if (level < 1) {
              fn(-1, undefined, MALFORMED_JSON);
              return;
            }
            buf[level - 1] = key;
            for (let pi = 0; pi < paths.length; pi++) {
              const p = paths[pi];
              if (p.length !== level || flags[pi] || key !== p[level - 1] || !sameTree(p, buf, level)) continue;
              match = pi;
              matched++;
              flags[pi] = true;
              const err = getValue(d, i + 1, ln, v);
              fn(pi, err === undefined ? v : undefined, err);
              if (matched === paths.length) break;
            }
            if (matched === paths.length) return;
          }
          if (match === -1) {
            const t = nextToken(d, i + 1, ln);
            i += t === -1 ? -1 : t - (i + 1);
            if (d[i] === 0x7b) {
              const be = blockEnd(d, i, ln, 0x7b, 0x7d);
              i += (be === -1 ? -1 : be - i) + 1;
            }
          }
          if (i < ln) {
            const c = d[i];
            if (c === 0x7b || c === 0x7d || c === 0x5b || c === 0x22) i--;
          }
        } else {
          i--;
        }
        break;
      }
      case 0x7b:
        level++;
        break;
      case 0x7d:
        level--;
        break;
      case 0x5b: {
        if (level < 0) {
          fn(-1, undefined, MALFORMED_JSON);
          return;
        }
        const wanted = new Set<number>();
        const pIdx = new Array<boolean>(paths.length).fill(false);
        for (let pi = 0; pi < paths.length; pi++) {
          const p = paths[pi];
          if (p.length < level + 1 || flags[pi] || !p[level].startsWith('[') || !sameTree(p, buf, level)) continue;
          if (p[level].length >= 2) {
            wanted.add(indexOf(p[level]));
            pIdx[pi] = true;
          }
        }
        if (wanted.size > 0) {
          level++;
          let cur = 0;
          const lv = level;
          const arrOff = arrayEach(d, i, ln, (val) => {
            if (wanted.has(cur)) {
              for (let pi = 0; pi < paths.length; pi++) {
                if (!pIdx[pi]) continue;
                const p = paths[pi];
                if (cur !== indexOf(p[lv - 1])) continue;
                const of = searchKeys(d, val.start, val.end, p.slice(lv));
                matched++;
                flags[pi] = true;
                if (of === -1) continue;
                if (val.type === JT.String) {
                  fn(pi, { ...val, start: of }, undefined);
                } else {
                  const r: Value = { type: JT.NotExist, start: 0, end: 0, next: 0, escaped: false };
                  const err = getValue(d, of, val.end, r);
                  fn(pi, err === undefined ? r : undefined, err);
                }
              }
            }
            cur++;
          });
          if (matched === paths.length) return;
          i += arrOff - 1;
        } else {
          const skip = blockEnd(d, i, ln, 0x5b, 0x5d);
          if (skip === -1) return;
          i = skip - 1;
        }
        break;
      }
      case 0x5d:
        level--;
        break;
    }
    i++;
  }
}

/** Go's Regexp.ReplaceAllString / ReplaceAllLiteralString / FindAllStringIndex on RE2, byte-exact. */
import RE2 from 're2';
import { captureGroupNames } from '../../../util/regex.js';

function runeWidth(b: Buffer, i: number): number {
  if (i >= b.length) return 0;
  const c = b[i];
  if (c < 0x80) return 1;
  const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
  if (i + need > b.length) return 1;
  for (let k = 1; k < need; k++) if ((b[i + k] & 0xc0) !== 0x80) return 1;
  return need;
}

type Indices = ([number, number] | undefined)[];

/** Calls fn for every match as Go's allMatches / replaceAll iterate them. */
function eachMatch(re: RE2, src: Buffer, fn: (m: Indices, counted: boolean) => void): number {
  let searchPos = 0;
  let lastMatchEnd = 0;
  while (searchPos <= src.length) {
    re.lastIndex = searchPos;
    const m = re.exec(src) as unknown as { indices: Indices } | null;
    if (m === null) break;
    const [a0, a1] = m.indices[0] as [number, number];
    fn(m.indices, a1 > lastMatchEnd || a0 === 0);
    lastMatchEnd = a1;
    const width = runeWidth(src, searchPos);
    if (searchPos + width > a1) searchPos += width;
    else if (searchPos + 1 > a1) searchPos++;
    else searchPos = a1;
  }
  return lastMatchEnd;
}

export class GoRegexp {
  private readonly re: RE2;
  private readonly names: string[];

  constructor(pattern: string) {
    this.re = new RE2(pattern, 'gdu');
    this.names = ['', ...captureGroupNames(pattern)];
  }

  replaceAll(s: string, repl: string, literal: boolean): string {
    const src = Buffer.from(s, 'utf8');
    const parts: Buffer[] = [];
    let last = 0;
    const end = eachMatch(this.re, src, (m, counted) => {
      const [a0, a1] = m[0] as [number, number];
      parts.push(src.subarray(last, a0));
      if (counted) parts.push(literal ? Buffer.from(repl, 'utf8') : this.expand(repl, src, m));
      last = a1;
    });
    parts.push(src.subarray(Math.max(end, last)));
    return Buffer.concat(parts).toString('utf8');
  }

  count(s: string): number {
    let n = 0;
    eachMatch(this.re, Buffer.from(s, 'utf8'), (_m, counted) => {
      // FindAll skips an empty match right after the previous one, like replace.
      if (counted) n++;
    });
    return n;
  }

  /** Regexp.expand of `$1`, `${1}`, `$name`, `${name}`, `$$`. */
  private expand(template: string, src: Buffer, m: Indices): Buffer {
    const out: Buffer[] = [];
    let t = template;
    for (;;) {
      const i = t.indexOf('$');
      if (i < 0) break;
      out.push(Buffer.from(t.slice(0, i), 'utf8'));
      t = t.slice(i + 1);
      if (t.startsWith('$')) {
        out.push(Buffer.from('$'));
        t = t.slice(1);
        continue;
      }
      const ex = /^(?:\{([\p{L}\p{Nd}_]+)\}|([\p{L}\p{Nd}_]+))/u.exec(t);
      if (!ex) {
        out.push(Buffer.from('$'));
        continue;
      }
      const name = ex[1] ?? ex[2];
      t = t.slice(ex[0].length);
      let num = /^[0-9]+$/.test(name) && name.length < 9 ? Number(name) : -1;
      if (name.length > 1 && name[0] === '0') num = -1;
      let g: [number, number] | undefined;
      if (num >= 0) g = m[num];
      else {
        const idx = this.names.indexOf(name);
        if (idx > 0) g = m[idx];
      }
      if (g !== undefined) out.push(src.subarray(g[0], g[1]));
    }
    out.push(Buffer.from(t, 'utf8'));
    return Buffer.concat(out);
  }
}

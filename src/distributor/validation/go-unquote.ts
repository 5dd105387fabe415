const SIMPLE: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 0x5c };

/** Prometheus strutil.Unquote (strconv.Unquote that also takes single quotes); undefined on ErrSyntax. */
export function unquote(s: string): string | undefined {
  const quote = s[0];
  if (s.length < 2 || quote !== s[s.length - 1]) return undefined;
  const body = s.slice(1, -1);
  if (quote === '`') return body.includes('`') ? undefined : body;
  if (quote !== '"' && quote !== "'") return undefined;
  if (body.includes('\n')) return undefined;
  if (!body.includes('\\') && !body.includes(quote)) return body;
  const bytes: number[] = [];
  const utf8 = (cp: number): void => {
    for (const b of Buffer.from(String.fromCodePoint(cp), 'utf8')) bytes.push(b);
  };
  let i = 0;
  while (i < body.length) {
    const c = body.codePointAt(i)!;
    if (c === quote.charCodeAt(0)) return undefined;
    if (c !== 0x5c) {
      if (c < 0x80) bytes.push(c);
      else utf8(c);
      i += c > 0xffff ? 2 : 1;
      continue;
    }
    if (i + 1 >= body.length) return undefined;
    const e = body[i + 1];
    i += 2;
    if (SIMPLE[e] !== undefined) { bytes.push(SIMPLE[e]); continue; }
    if (e === "'" || e === '"') {
      if (e !== quote) return undefined;
      bytes.push(e.charCodeAt(0));
      continue;
    }
    if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(i, i + n);
      if (hex.length < n || !/^[0-9a-fA-F]+$/.test(hex)) return undefined;
      const v = parseInt(hex, 16);
      i += n;
      if (e === 'x') { bytes.push(v); continue; }
      if (v > 0x10ffff) return undefined;
      utf8(v >= 0xd800 && v <= 0xdfff ? 0xfffd : v);
      continue;
    }
    if (e >= '0' && e <= '7') {
      const oct = body.slice(i, i + 2);
      if (oct.length < 2 || !/^[0-7]{2}$/.test(oct)) return undefined;
      const v = parseInt(e + oct, 8);
      if (v > 255) return undefined;
      bytes.push(v);
      i += 2;
      continue;
    }
    return undefined;
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * Substring tests on raw line bytes. Case-sensitive search is Buffer.indexOf (memchr /
 * SIMD in V8); case-insensitive search anchors on one byte of the needle and verifies
 * around it, as Loki's containsLower compares (ASCII folded, pattern already lowercased).
 */

export type ByteTest = (line: Buffer) => boolean;

function isAsciiLetter(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
}

function isAscii(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] >= 0x80) return false;
  return true;
}

/** Go's bytes.Contains. An empty needle matches everything. */
export function containsTest(needle: string): ByteTest {
  const n = Buffer.from(needle, 'utf8');
  if (n.length === 0) return () => true;
  if (n.length === 1) {
    const b = n[0];
    return (line) => line.indexOf(b) !== -1;
  }
  return (line) => line.length >= n.length && line.indexOf(n) !== -1;
}

/** Go's bytes.Equal against the needle. */
export function equalTest(needle: string): ByteTest {
  const n = Buffer.from(needle, 'utf8');
  return (line) => line.length === n.length && line.equals(n);
}

/** Case-insensitive contains; `lowered` is the needle after Unicode lowercasing. */
export function containsLowerTest(lowered: string): ByteTest {
  const n = Buffer.from(lowered, 'utf8');
  if (n.length === 0) return () => true;
  if (!isAscii(n)) {
    // Rare: non-ASCII needles fold through strings.
    return (line) => line.toString('utf8').toLowerCase().includes(lowered);
  }
  return asciiFoldSearch(n);
}

/** Case-insensitive equality with Loki's quirk: byte lengths must match first. */
export function equalLowerTest(lowered: string): ByteTest {
  const n = Buffer.from(lowered, 'utf8');
  const contains = containsLowerTest(lowered);
  return (line) => line.length === n.length && contains(line);
}

function matchesAt(line: Uint8Array, s: number, n: Uint8Array): boolean {
  for (let j = 0; j < n.length; j++) {
    let c = line[s + j];
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    if (c !== n[j]) return false;
  }
  return true;
}

function asciiFoldSearch(n: Buffer): ByteTest {
  const len = n.length;
  let anchor = -1;
  for (let i = 0; i < len; i++) {
    if (!isAsciiLetter(n[i])) {
      anchor = i;
      break;
    }
  }
  if (anchor >= 0) {
    // A byte without case: one memchr-backed scan.
    const b = n[anchor];
    return (line) => {
      const last = line.length - len;
      if (last < 0) return false;
      let p = line.indexOf(b, anchor);
      while (p !== -1) {
        const s = p - anchor;
        if (s > last) return false;
        if (matchesAt(line, s, n)) return true;
        p = line.indexOf(b, p + 1);
      }
      return false;
    };
  }
  const lo = n[0];
  const up = lo - 0x20;
  return (line) => {
    const last = line.length - len;
    if (last < 0) return false;
    let pl = line.indexOf(lo);
    let pu = line.indexOf(up);
    while (pl !== -1 || pu !== -1) {
      let p: number;
      if (pu === -1 || (pl !== -1 && pl < pu)) {
        p = pl;
        pl = line.indexOf(lo, p + 1);
      } else {
        p = pu;
        pu = line.indexOf(up, p + 1);
      }
      if (p > last) return false;
      if (matchesAt(line, p, n)) return true;
    }
    return false;
  };
}

/** Operations on postings lists: sorted, duplicate-free Uint32Arrays of series ids. */

export const EMPTY_POSTINGS = new Uint32Array(0);

export function allPostings(n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

export function intersect(a: Uint32Array, b: Uint32Array): Uint32Array {
  if (a.length > b.length) [a, b] = [b, a];
  const out = new Uint32Array(a.length);
  let n = 0;
  let j = 0;
  for (let i = 0; i < a.length && j < b.length; i++) {
    const v = a[i];
    while (j < b.length && b[j] < v) j++;
    if (j < b.length && b[j] === v) out[n++] = v;
  }
  return out.subarray(0, n);
}

/** Elements of a that are not in b. */
export function subtract(a: Uint32Array, b: Uint32Array): Uint32Array {
  if (b.length === 0) return a;
  const out = new Uint32Array(a.length);
  let n = 0;
  let j = 0;
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    while (j < b.length && b[j] < v) j++;
    if (j >= b.length || b[j] !== v) out[n++] = v;
  }
  return out.subarray(0, n);
}

/** Union of lists of ids below `universe`; a bitmap pass, linear in the universe and the inputs. */
export function union(lists: readonly Uint32Array[], universe: number): Uint32Array {
  if (lists.length === 0) return EMPTY_POSTINGS;
  if (lists.length === 1) return lists[0];
  const mark = new Uint8Array(universe);
  let total = 0;
  for (const l of lists) {
    for (let i = 0; i < l.length; i++) {
      if (mark[l[i]] === 0) {
        mark[l[i]] = 1;
        total++;
      }
    }
  }
  const out = new Uint32Array(total);
  let n = 0;
  for (let i = 0; i < universe && n < total; i++) if (mark[i] === 1) out[n++] = i;
  return out;
}

/** Label names from parsed keys (Loki's sanitizeLabelKey / appendSanitized). */

function isNameChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f;
}

function mapRunes(key: string): string {
  let simple = true;
  for (let i = 0; i < key.length; i++) {
    if (!isNameChar(key.charCodeAt(i))) {
      simple = false;
      break;
    }
  }
  if (simple) return key;
  let out = '';
  // One '_' per rune, as Go maps runes (not bytes or UTF-16 units).
  for (const ch of key) out += ch.length === 1 && isNameChar(ch.charCodeAt(0)) ? ch : '_';
  return out;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** A key as a label name: trimmed, a leading digit prefixed with `_`, other characters `_`. */
export function sanitizeLabelKey(key: string, isPrefix: boolean): string {
  if (key === '') return key;
  const k = key.trim();
  if (k === '') return k;
  return (isPrefix && isDigit(k.charCodeAt(0)) ? '_' : '') + mapRunes(k);
}

/** Appends a sanitized key to a flattened JSON name (the `_` separator is the caller's). */
export function appendSanitized(to: string, key: string): string {
  const k = key.trim();
  if (k === '') return to;
  return to + (to === '' && isDigit(k.charCodeAt(0)) ? '_' : '') + mapRunes(k);
}

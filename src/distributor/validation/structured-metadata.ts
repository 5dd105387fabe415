/**
 * Structured metadata as Loki stores it: names normalized the OpenTelemetry way (Prometheus'
 * otlptranslator NormalizeLabel), values with invalid UTF-8 replaced by spaces, then sorted
 * by name with one value per name (the last one sent wins).
 */
import { EMPTY_LABELS, type Label, type Labels } from '../../model/labels.js';

const PLAIN_NAME = /^(?:[a-zA-Z]|__)[a-zA-Z0-9_]*$/;
const NOT_LETTER_OR_DIGIT = /[^\p{L}\p{Nd}]/gu;

/**
 * Every rune that is not a letter or digit becomes '_'; a leading digit gets a `key_` prefix
 * and a single leading underscore a `key` prefix.
 */
export function normalizeMetadataName(name: string): string {
  if (name === '' || PLAIN_NAME.test(name)) return name;
  const s = name.replace(NOT_LETTER_OR_DIGIT, '_');
  const c = s.charCodeAt(0);
  if (c >= 0x30 && c <= 0x39) return 'key_' + s;
  if (s.startsWith('_') && !s.startsWith('__')) return 'key' + s;
  return s;
}

/** Go strings.Map(removeInvalidUtf): U+FFFD (how invalid UTF-8 decodes) becomes a space. */
export function sanitizeMetadataValue(value: string): string {
  return value.includes('\ufffd') ? value.replaceAll('\ufffd', ' ') : value;
}

/** Bytes of names and values (Loki's util.StructuredMetadataSize). */
export function metadataSize(metadata: readonly Label[]): number {
  let n = 0;
  for (const l of metadata) n += byteLength(l.name) + byteLength(l.value);
  return n;
}

export function byteLength(s: string): number {
  // ASCII fast path: most names and values are.
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return Buffer.byteLength(s, 'utf8');
  return s.length;
}

/** Normalized pairs in request order; empty names (which Loki cannot store) are dropped. */
export function normalizeMetadata(metadata: readonly Label[]): Label[] {
  const out: Label[] = [];
  for (const l of metadata) {
    if (l.name === '') continue;
    const name = normalizeMetadataName(l.name);
    const value = sanitizeMetadataValue(l.value);
    out.push(name === l.name && value === l.value ? l : { name, value });
  }
  return out;
}

/** Sorted by name, one value per name, the last one wins. */
export function canonicalMetadata(pairs: readonly Label[]): Labels {
  if (pairs.length === 0) return EMPTY_LABELS;
  if (pairs.length === 1) return pairs as Labels;
  // Insertion sort (stable, and lists are short), then keep the last of each run of equal names.
  const sorted = pairs.slice();
  for (let i = 1; i < sorted.length; i++) {
    const x = sorted[i];
    let j = i - 1;
    while (j >= 0 && sorted[j].name > x.name) {
      sorted[j + 1] = sorted[j];
      j--;
    }
    sorted[j + 1] = x;
  }
  let n = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (i + 1 < sorted.length && sorted[i + 1].name === sorted[i].name) continue;
    sorted[n++] = sorted[i];
  }
  sorted.length = n;
  return sorted;
}

/** A label pair. Label sets are arrays sorted by name with unique names. */
export interface Label {
  readonly name: string;
  readonly value: string;
}
export type Labels = readonly Label[];

export const EMPTY_LABELS: Labels = Object.freeze([]) as Labels;

const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function isValidLabelName(name: string): boolean {
  return LABEL_NAME_RE.test(name);
}

export function sortLabels(labels: Label[]): Label[] {
  return labels.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Go's strconv.Quote, as Prometheus/Loki print label values. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    switch (ch) {
      case '"': out += '\\"'; continue;
      case '\\': out += '\\\\'; continue;
      case '\n': out += '\\n'; continue;
      case '\r': out += '\\r'; continue;
      case '\t': out += '\\t'; continue;
      case '\x07': out += '\\a'; continue;
      case '\b': out += '\\b'; continue;
      case '\f': out += '\\f'; continue;
      case '\v': out += '\\v'; continue;
    }
    if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else if (c === 0xfffd && ch === '\ufffd') out += '\ufffd';
    else if ((c >= 0x80 && c <= 0x9f) || c === 0xad || (c >= 0x200b && c <= 0x200f) || c === 0xfeff || (c >= 0x2028 && c <= 0x202e) || (c >= 0x2060 && c <= 0x2064))
      out += c <= 0xffff ? '\\u' + c.toString(16).padStart(4, '0') : '\\U' + c.toString(16).padStart(8, '0');
    else out += ch;
  }
  return out + '"';
}

/** Canonical text of a label set: {a="1", b="2"} (Prometheus labels.String()). */
export function labelsToString(labels: Labels): string {
  let out = '{';
  for (let i = 0; i < labels.length; i++) {
    if (i > 0) out += ', ';
    out += labels[i].name + '=' + goQuote(labels[i].value);
  }
  return out + '}';
}

const keys = new WeakMap<Labels, string>();

/**
 * labelsToString, remembered per label set object: for sets that live long and never change (an
 * index file's series, read by every query over it).
 */
export function labelsKey(labels: Labels): string {
  let k = keys.get(labels);
  if (k === undefined) keys.set(labels, (k = labelsToString(labels)));
  return k;
}

export function labelsFromRecord(rec: Record<string, string>): Labels {
  return sortLabels(Object.entries(rec).map(([name, value]) => ({ name, value })));
}

export function labelsToRecord(labels: Labels): Record<string, string> {
  const rec: Record<string, string> = {};
  for (const l of labels) rec[l.name] = l.value;
  return rec;
}

export function getLabel(labels: Labels, name: string): string | undefined {
  for (const l of labels) if (l.name === name) return l.value;
  return undefined;
}

export function labelsEqual(a: Labels, b: Labels): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i].name !== b[i].name || a[i].value !== b[i].value) return false;
  return true;
}

export function compareLabels(a: Labels, b: Labels): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i].name !== b[i].name) return a[i].name < b[i].name ? -1 : 1;
    if (a[i].value !== b[i].value) return a[i].value < b[i].value ? -1 : 1;
  }
  return a.length - b.length;
}

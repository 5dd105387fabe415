/**
 * From the label text of a pushed stream to its canonical label set, as Loki's push parser
 * does it: parse (syntax.ParseLabels), then add `service_name` when missing.
 */
import type { LimitsConfig } from '../../config/types.js';
import { getLabel, labelsToString, type Label } from '../../model/labels.js';
import type { LevelDetector } from './detected-level.js';
import type { Rejection } from './validate-labels.js';
import { TwoGenerationCache } from './label-cache.js';
import { LabelParseError, parseLabels } from './label-parser.js';

export const SERVICE_NAME = 'service_name';
const UNKNOWN_SERVICE = 'unknown_service';
/** Loki-internal streams get no service_name and skip label validation. */
const INTERNAL_LABELS = ['__aggregated_metric__', '__pattern__'];

export interface StreamLabels {
  readonly labels: readonly Label[];
  /** labelsToString(labels): also the stream text Loki's messages quote. */
  readonly key: string;
  readonly internal: boolean;
  /** validateStreamLabels' verdict, for the limits object it was given (memoized by validatePush). */
  checked?: { limits: LimitsConfig; rejection: Rejection | undefined };
  /** The level field among the labels, for the detector it was looked up with (memoized by validatePush). */
  level?: { detector: LevelDetector; value: string | undefined };
}

interface Parsed {
  labels?: readonly Label[];
  error?: string;
  /** The last resolution, for the discovery list it was made with. */
  resolved?: { discover: readonly string[]; value: StreamLabels };
}

const CACHE_CAPACITY = 4096;
/** Longer label texts are parsed every time rather than pinned in the cache. */
const MAX_CACHED_TEXT = 1024;
const cache = new TwoGenerationCache<Parsed>(CACHE_CAPACITY);

function parse(text: string): Parsed {
  let p = text.length <= MAX_CACHED_TEXT ? cache.get(text) : undefined;
  if (p !== undefined) return p;
  try {
    p = { labels: parseLabels(text) };
  } catch (err) {
    if (!(err instanceof LabelParseError)) throw err;
    p = { error: err.message };
  }
  if (text.length <= MAX_CACHED_TEXT) cache.set(text, p);
  return p;
}

export function isInternalStream(labels: readonly Label[]): boolean {
  return labels.some((l) => INTERNAL_LABELS.includes(l.name));
}

/**
 * Adds service_name unless present: the first non-empty label named in `discover`, else
 * unknown_service. Nothing is added when `discover` is empty or the stream is internal.
 */
export function withServiceName(labels: readonly Label[], discover: readonly string[]): readonly Label[] {
  if (discover.length === 0 || isInternalStream(labels) || getLabel(labels, SERVICE_NAME) !== undefined) return labels;
  let value = UNKNOWN_SERVICE;
  for (const name of discover) {
    const v = getLabel(labels, name);
    if (v) { value = v; break; }
  }
  const out = labels.slice();
  let i = 0;
  while (i < out.length && out[i].name < SERVICE_NAME) i++;
  out.splice(i, 0, { name: SERVICE_NAME, value });
  return out;
}

/** Canonical labels of a pushed stream, or Loki's message when the text does not parse. */
export function resolveStreamLabels(text: string, discover: readonly string[]): StreamLabels | string {
  const p = parse(text);
  if (p.error !== undefined) return `couldn't parse labels: ${p.error}`;
  if (p.resolved !== undefined && p.resolved.discover === discover) return p.resolved.value;
  const labels = withServiceName(p.labels!, discover);
  const value: StreamLabels = { labels, key: labelsToString(labels), internal: isInternalStream(labels) };
  p.resolved = { discover, value };
  return value;
}

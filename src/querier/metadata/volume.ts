import { labelsToString, type Label, type Labels } from '../../model/labels.js';
import { LabelMatcher } from '../../model/matcher.js';
import { NS_PER_SECOND, type Nanos } from '../../model/time.js';
import { BadRequestError } from '../../util/errors.js';
import { factorOfTime, memChunkCounts, scaled, streamOverlaps, unflushedSpans } from './chunks.js';
import type { AggregateBy } from './params.js';
import type { MetadataSources } from './sources.js';

export interface VolumeQuery {
  readonly from: Nanos;
  readonly through: Nanos;
  /** null for `{}`: every stream, grouped by all of its labels. */
  readonly matchers: readonly LabelMatcher[] | null;
  readonly targetLabels: readonly string[];
  readonly aggregateBy: AggregateBy;
}

/** One result series: a label subset (series) or a single label name (labels). */
export interface Volume {
  /** Loki's series name: the label set's text, or the label name. */
  readonly name: string;
  readonly labels: Labels;
  volume: number;
}

export type Volumes = Map<string, Volume>;

interface Grouping {
  readonly labelsToMatch: ReadonlySet<string>;
  readonly matchers: readonly LabelMatcher[];
  readonly matchAny: boolean;
}

/** Loki's util.PrepareLabelsAndMatchers: target labels must be present (`=~".+"`) and become the grouping. */
function prepare(targets: readonly string[], matchers: readonly LabelMatcher[]): Grouping {
  if (targets.length > 0) {
    const named = new Set(matchers.map((m) => m.name));
    const all = [...matchers];
    for (const t of new Set(targets)) if (!named.has(t)) all.push(new LabelMatcher(t, '=~', '.+'));
    return { labelsToMatch: new Set(targets), matchers: all, matchAny: false };
  }
  return { labelsToMatch: new Set(matchers.map((m) => m.name)), matchers, matchAny: matchers.length === 0 };
}

function floorSeconds(ns: Nanos): Nanos {
  const r = ns % NS_PER_SECOND;
  return r < 0n ? ns - r - NS_PER_SECOND : ns - r;
}

function add(into: Volumes, name: string, labels: Labels, size: number): void {
  const v = into.get(name);
  if (v) v.volume += size;
  else into.set(name, { name, labels, volume: size });
}

/** Adds one stream's size to its group(s). */
function account(into: Volumes, q: VolumeQuery, g: Grouping, stream: Labels, size: number): void {
  if (q.aggregateBy === 'series') {
    const kept: Label[] = stream.filter((l) => g.matchAny || g.labelsToMatch.has(l.name));
    add(into, labelsToString(kept), kept, size);
    return;
  }
  for (const l of stream) {
    if (q.targetLabels.length > 0 && !g.matchAny && !g.labelsToMatch.has(l.name)) continue;
    add(into, l.name, [{ name: l.name, value: '' }], size);
  }
}

/**
 * Adds the tenant's volumes in [from, through] (whole seconds, as Loki truncates them) to `into`:
 * uncompressed line bytes per group. A chunk partly in range counts in proportion to the
 * overlapped share of its time span, like Loki; in-memory chunks not yet flushed come from the
 * ingester, flushed ones from the index.
 */
export async function collectVolumes(src: MetadataSources, tenant: string, q: VolumeQuery, into: Volumes): Promise<void> {
  const from = floorSeconds(q.from);
  const through = floorSeconds(q.through);
  const g = prepare(q.targetLabels, q.matchers ?? []);
  for (const s of src.ingester.select(tenant, g.matchers)) {
    if (!streamOverlaps(s, from, through)) continue;
    let size = 0;
    for (const c of unflushedSpans(s)) if (memChunkCounts(c, from, through)) size += scaled(c.bytes, factorOfTime(from, through, c.from, c.through));
    account(into, q, g, s.labels, size);
  }
  const stored = new Map<string, { labels: Labels; size: number }>();
  for (const r of await src.index.chunkRefs(tenant, from, through, g.matchers)) {
    const key = labelsToString(r.labels);
    let e = stored.get(key);
    if (!e) stored.set(key, (e = { labels: r.labels, size: 0 }));
    e.size += scaled(r.rawSize, factorOfTime(from, through, r.from, r.through));
  }
  for (const e of stored.values()) account(into, q, g, e.labels, e.size);
}

/** Loki's volume_max_series guard. */
export function checkMaxSeries(v: Volumes, max: number): void {
  if (max > 0 && v.size > max) throw new BadRequestError(`the query hit the max number of series limit (limit: ${max} series)`);
}

/** Largest first (ties by name), at most `limit`: Loki's MapToVolumeResponse. */
export function topVolumes(v: Volumes, limit: number): Volume[] {
  const all = [...v.values()].sort((a, b) => (a.volume !== b.volume ? b.volume - a.volume : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return all.slice(0, limit);
}

/**
 * Loki's util.ForInterval with inclusive ends: buckets aligned to the step, the first one
 * starting at `start`, each but the last ending 1 ms before the next. Times in ns, step in ms.
 */
export function volumeBuckets(start: Nanos, end: Nanos, stepMs: number): { start: Nanos; end: Nanos }[] {
  const step = BigInt(stepMs) * 1_000_000n;
  if (step <= 0n) return [{ start, end }];
  const out: { start: Nanos; end: Nanos }[] = [];
  const rem = start % step;
  const aligned = rem < 0n ? start - rem - step : start - rem;
  for (let s = aligned; s < end; s += step) {
    let e = s + step;
    if (e >= end) e = end;
    else e -= 1_000_000n;
    out.push({ start: out.length === 0 ? start : s, end: e });
  }
  return out;
}

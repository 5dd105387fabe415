import type { IndexStats } from '../../index/index.js';
import type { LogPipeline } from '../../logql/log/types.js';
import type { LogSelector } from '../../logql/syntax/index.js';
import { compareLabels, labelsToString, sortLabels, type Labels } from '../../model/labels.js';
import type { LabelMatcher } from '../../model/matcher.js';
import type { Querier } from '../querier.js';
import { detectedLabels, type DetectedLabel } from './detected-labels.js';
import { FieldCollector, fieldValues, type DetectedField, type SampledEntry } from './detected-fields.js';
import { labelNames, labelValues } from './labels.js';
import { LineParsers } from './line-parsers.js';
import type { Bounds, DetectedFieldsParams } from './params.js';
import type { VolumeSeries } from './response.js';
import { series } from './series.js';
import { mergeSorted, type MetadataSources } from './sources.js';
import { indexStats, sumStats } from './stats.js';
import { checkMaxSeries, collectVolumes, topVolumes, volumeBuckets, type Volume, type VolumeQuery, type Volumes } from './volume.js';

/** The label multi-tenant reads add to tell tenants apart. */
export const TENANT_LABEL = '__tenant_id__';

export interface VolumeOptions {
  readonly limit: number;
  /** volume_max_series; 0 = unlimited. */
  readonly maxSeries: number;
}

/**
 * The metadata endpoints over the ingester and the index, for one or more tenants (a read with
 * `a|b`: results are merged, like Loki's multi-tenant querier).
 */
export class MetadataApi {
  constructor(
    private readonly src: MetadataSources,
    private readonly querier: Pick<Querier, 'logQuery'>,
  ) {}

  async labelNames(tenants: readonly string[], b: Bounds, matchers: readonly LabelMatcher[]): Promise<string[]> {
    const lists = await Promise.all(tenants.map((t) => labelNames(this.src, t, b, matchers)));
    if (tenants.length > 1) lists.push([TENANT_LABEL]);
    return mergeSorted(...lists);
  }

  /** With multi-tenant reads on, `__tenant_id__` lists the request's tenants. */
  async labelValues(tenants: readonly string[], name: string, b: Bounds, matchers: readonly LabelMatcher[], multiTenant: boolean): Promise<string[]> {
    if (multiTenant && name === TENANT_LABEL) return [...tenants];
    return mergeSorted(...(await Promise.all(tenants.map((t) => labelValues(this.src, t, name, b, matchers)))));
  }

  async series(tenants: readonly string[], b: Bounds, groups: readonly (readonly LabelMatcher[])[]): Promise<Labels[]> {
    if (tenants.length === 1) return series(this.src, tenants[0], b, groups);
    const out = new Map<string, Labels>();
    for (const t of tenants) {
      for (const ls of await series(this.src, t, b, groups)) {
        const tagged = ls.some((l) => l.name === TENANT_LABEL) ? ls : sortLabels([...ls, { name: TENANT_LABEL, value: t }]);
        out.set(labelsToString(tagged), tagged);
      }
    }
    return [...out.values()].sort(compareLabels);
  }

  async stats(tenants: readonly string[], b: Bounds, matchers: readonly LabelMatcher[]): Promise<IndexStats> {
    return sumStats(await Promise.all(tenants.map((t) => indexStats(this.src, t, b, matchers))));
  }

  private async volumes(tenants: readonly string[], q: VolumeQuery, maxSeries: number): Promise<Volumes> {
    const into: Volumes = new Map();
    for (const t of tenants) await collectVolumes(this.src, t, q, into);
    checkMaxSeries(into, maxSeries);
    return into;
  }

  async volume(tenants: readonly string[], q: VolumeQuery, opts: VolumeOptions): Promise<Volume[]> {
    return topVolumes(await this.volumes(tenants, q, opts.maxSeries), opts.limit);
  }

  /** One instant volume per step bucket, each limited on its own (as Loki splits the request); series sorted by labels. */
  async volumeRange(tenants: readonly string[], q: VolumeQuery, stepMs: number, opts: VolumeOptions): Promise<VolumeSeries[]> {
    const byName = new Map<string, VolumeSeries>();
    for (const bucket of volumeBuckets(q.from, q.through, stepMs)) {
      const top = topVolumes(await this.volumes(tenants, { ...q, from: bucket.start, through: bucket.end }, opts.maxSeries), opts.limit);
      for (const v of top) {
        let s = byName.get(v.name);
        if (!s) byName.set(v.name, (s = { labels: v.labels, points: [] }));
        s.points.push({ ts: bucket.start, volume: v.volume });
      }
    }
    return [...byName.values()].sort((a, b) => compareLabels(a.labels, b.labels));
  }

  detectedLabels(tenants: readonly string[], b: Bounds, matchers: readonly LabelMatcher[]): Promise<DetectedLabel[]> {
    return detectedLabels(this.src, tenants, b, matchers);
  }

  /** The newest `lineLimit` lines of each tenant the query selects, with categorized labels. */
  private async sample(tenants: readonly string[], expr: LogSelector, pipeline: LogPipeline, p: DetectedFieldsParams, signal?: AbortSignal): Promise<SampledEntry[]> {
    const out: SampledEntry[] = [];
    for (const tenant of tenants) {
      const res = await this.querier.logQuery({
        tenant, matchers: expr.matchers, start: p.start, end: p.end, direction: 'backward', limit: p.lineLimit, pipeline, categorize: true, signal,
      });
      for (const s of res.streams) for (const e of s.entries) out.push({ line: e.line, labels: e.labels, streamKey: s.key });
    }
    return out;
  }

  async detectedFields(tenants: readonly string[], expr: LogSelector, pipeline: LogPipeline, p: DetectedFieldsParams, signal?: AbortSignal): Promise<DetectedField[]> {
    const collector = new FieldCollector(p.limit, new LineParsers());
    for (const e of await this.sample(tenants, expr, pipeline, p, signal)) collector.add(e);
    return collector.result();
  }

  async detectedFieldValues(tenants: readonly string[], name: string, expr: LogSelector, pipeline: LogPipeline, p: DetectedFieldsParams, signal?: AbortSignal): Promise<string[]> {
    return fieldValues(await this.sample(tenants, expr, pipeline, p, signal), name, p.limit, new LineParsers());
  }
}

import type { Labels } from '../model/labels.js';
import { matchesAll, type LabelMatcher } from '../model/matcher.js';
import { Stream, type StreamSettings } from './stream.js';

/** The streams of one tenant held by an ingester, with an inverted index for selector lookups. */
export class TenantStreams {
  readonly streams = new Map<string, Stream>();
  /** label name → value → stream keys: narrows selector lookups to candidate streams. */
  private readonly postings = new Map<string, Map<string, Set<string>>>();

  constructor(readonly tenant: string) {}

  get size(): number {
    return this.streams.size;
  }

  get(key: string): Stream | undefined {
    return this.streams.get(key);
  }

  create(id: number, labels: Labels, key: string, settings: StreamSettings, nowMs?: number): Stream {
    const stream = new Stream(id, this.tenant, labels, key, settings, nowMs);
    this.streams.set(key, stream);
    for (const l of labels) {
      let values = this.postings.get(l.name);
      if (!values) this.postings.set(l.name, (values = new Map()));
      let keys = values.get(l.value);
      if (!keys) values.set(l.value, (keys = new Set()));
      keys.add(key);
    }
    return stream;
  }

  remove(stream: Stream): void {
    this.streams.delete(stream.key);
    for (const l of stream.labels) {
      const values = this.postings.get(l.name);
      const keys = values?.get(l.value);
      if (!values || !keys) continue;
      keys.delete(stream.key);
      if (keys.size === 0) values.delete(l.value);
      if (values.size === 0) this.postings.delete(l.name);
    }
  }

  /** Streams matching every matcher. Uses the postings of the most selective equality matcher. */
  select(matchers: readonly LabelMatcher[]): Stream[] {
    let candidates: Iterable<string> | undefined;
    let best = Infinity;
    for (const m of matchers) {
      if (m.type !== '=' || m.value === '') continue;
      const keys = this.postings.get(m.name)?.get(m.value);
      if (!keys) return [];
      if (keys.size < best) { best = keys.size; candidates = keys; }
    }
    const out: Stream[] = [];
    if (candidates) {
      for (const key of candidates) {
        const s = this.streams.get(key);
        if (s && matchesAll(matchers, s.labels)) out.push(s);
      }
    } else {
      for (const s of this.streams.values()) if (matchesAll(matchers, s.labels)) out.push(s);
    }
    return out;
  }

  labelNames(): string[] {
    return [...this.postings.keys()].sort();
  }

  labelValues(name: string): string[] {
    return [...(this.postings.get(name)?.keys() ?? [])].sort();
  }
}

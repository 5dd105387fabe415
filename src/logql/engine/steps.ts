import type { EvalParams } from './types.js';

const NS_PER_MS = 1_000_000n;
const NS_PER_S = 1_000_000_000n;

/** The evaluation times of a query: one for an instant query, start, start+step, … ≤ end for a range query. */
export interface Steps {
  readonly count: number;
  readonly startNs: bigint;
  /** 0 for instant queries. */
  readonly stepNs: bigint;
  /** Evaluation time of each step in ms (what results show). */
  readonly ms: Float64Array;
}

export function makeSteps(p: EvalParams): Steps {
  if (p.instant) return { count: 1, startNs: p.start, stepNs: 0n, ms: Float64Array.of(toMs(p.start)) };
  const stepNs = BigInt(Math.round(p.stepMs * 1e6));
  if (stepNs <= 0n) throw new RangeError(`step must be positive, got ${p.stepMs}ms`);
  let start = p.start;
  let end = p.end;
  if (p.alignSteps) {
    // Go's % truncates like bigint's, so negative times round the same way as Loki's alignStartEnd.
    start -= start % stepNs;
    const mod = end % stepNs;
    if (mod !== 0n) end += stepNs - mod;
  }
  const count = end < start ? 0 : Number((end - start) / stepNs) + 1;
  const ms = new Float64Array(count);
  for (let k = 0; k < count; k++) ms[k] = toMs(start + BigInt(k) * stepNs);
  return { count, startNs: start, stepNs, ms };
}

export function stepTimeNs(s: Steps, k: number): bigint {
  return s.startNs + BigInt(k) * s.stepNs;
}

/** time.UnixNano()/1e6 in Go: truncated milliseconds. */
export function toMs(ns: bigint): number {
  return Number(ns / NS_PER_MS);
}

/** Go's time.Duration.Seconds(), whose rounding the rate functions inherit. */
export function goSeconds(ns: bigint): number {
  return Number(ns / NS_PER_S) + Number(ns % NS_PER_S) / 1e9;
}

import { defaultLimits } from '../config/index.js';
import type { LimitsConfig } from '../config/types.js';

/** Loki's default limits without rate or stream-count limits, for ingester tests. */
export const UNLIMITED: LimitsConfig = { ...defaultLimits(), per_stream_rate_limit: 1e12, per_stream_rate_limit_burst: 1e12, max_global_streams_per_user: 0 };

/** `length` hex digits that depend on `seed` and do not compress away. */
export function hexNoise(seed: number, length: number): string {
  let x = (seed + 1) * 2654435761;
  let out = '';
  while (out.length < length) {
    x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0;
    out += x.toString(16).padStart(8, '0');
  }
  return out.slice(0, length);
}

import type { LimitsConfig } from '../config/types.js';
import type { StreamEntries } from '../model/entry.js';
import { nowNanos } from '../model/time.js';
import type { Metrics } from '../metrics/metrics.js';
import type { PushRequest } from '../push/index.js';
import { HttpError, TooManyRequestsError, UnprocessableError } from '../util/errors.js';
import { TokenBucket } from '../util/token-bucket.js';
import { formatPushErrors, validatePush } from './validation/index.js';

/**
 * What the distributor hands validated streams to: the local ingester, or a ring client later.
 * push() reads the streams' columns and lines before it returns (the returned promise may still
 * be pending): their buffers are reused afterwards.
 */
export interface PushTarget {
  push(tenant: string, streams: readonly StreamEntries[]): Promise<{ errors: string[]; status: 400 | 429 }>;
}

const MiB = 1 << 20;

/**
 * The write path's front door: validates a decoded push against the tenant's limits, applies the
 * tenant's ingestion rate limit, and forwards the valid streams. Partial success like Loki: valid
 * streams are written even when the response is 400 for the rejected ones.
 */
export class Distributor {
  private readonly rateLimiters = new Map<string, TokenBucket>();

  constructor(
    private readonly limitsFor: (tenant: string) => LimitsConfig,
    private readonly target: PushTarget,
    private readonly metrics: Metrics,
  ) {}

  /**
   * Validates and forwards a push; the request is consumed (its columns are compacted in place
   * and its stream list emptied). Resolves once the target holds the entries durably.
   */
  async push(tenant: string, req: PushRequest): Promise<void> {
    // Everything is handed over synchronously: while the WAL write is awaited, nothing here
    // keeps the request's objects alive (they would outlive young-generation collections).
    let forwarded: ReturnType<Distributor['forward']>;
    try {
      forwarded = this.forward(tenant, req);
    } finally {
      // Validated, appended and WAL-encoded: the decoded body's buffer can serve the next push.
      req.release?.();
    }
    const { errors, pushed } = forwarded;
    let status = 400;
    if (pushed !== undefined) {
      const res = await pushed;
      if (res.errors.length > 0) {
        errors.push(...res.errors);
        if (res.status === 429) status = 429;
      }
    }
    if (errors.length > 0) throw new HttpError(status, formatPushErrors(errors));
  }

  private forward(tenant: string, req: PushRequest): { errors: string[]; pushed: ReturnType<PushTarget['push']> | undefined } {
    if (req.streams.length === 0) throw new UnprocessableError('error at least one valid stream is required for ingestion');
    const limits = this.limitsFor(tenant);
    const result = validatePush(tenant, req, limits, nowNanos());
    req.streams = [];
    for (const d of result.discarded) {
      this.metrics.discardedSamples.inc({ reason: d.reason, tenant }, d.lines);
      this.metrics.discardedBytes.inc({ reason: d.reason, tenant }, d.bytes);
    }

    if (result.streams.length > 0) {
      if (!this.allowRate(tenant, limits, result.acceptedBytes)) {
        this.metrics.discardedSamples.inc({ reason: 'rate_limited', tenant }, result.acceptedLines);
        this.metrics.discardedBytes.inc({ reason: 'rate_limited', tenant }, result.acceptedBytes);
        throw new TooManyRequestsError(
          `Ingestion rate limit exceeded for user ${tenant} (limit: ${Math.round(limits.ingestion_rate_mb * MiB)} bytes/sec) while attempting to ingest '${result.acceptedLines}' lines totaling '${result.acceptedBytes}' bytes, reduce log volume or contact your Loki administrator to see if the limit can be increased`,
        );
      }
      this.metrics.distributorLinesReceived.inc({ tenant }, result.acceptedLines);
      this.metrics.distributorBytesReceived.inc({ tenant, retention_hours: '', aggregated_metric: 'false' }, result.acceptedBytes);
    }
    return { errors: result.errors, pushed: result.streams.length > 0 ? this.target.push(tenant, result.streams) : undefined };
  }

  private allowRate(tenant: string, limits: LimitsConfig, bytes: number): boolean {
    const rate = limits.ingestion_rate_mb * MiB;
    const burst = limits.ingestion_burst_size_mb * MiB;
    let bucket = this.rateLimiters.get(tenant);
    if (!bucket) this.rateLimiters.set(tenant, (bucket = new TokenBucket(rate, burst)));
    else bucket.setLimits(rate, burst);
    return bucket.allow(bytes);
  }
}

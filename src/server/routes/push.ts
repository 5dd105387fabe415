import type { Distributor } from '../../distributor/distributor.js';
import { mainThread } from '../fair-scheduler.js';
import type { HttpServer } from '../http.js';
import { decodeForTenant } from '../push-decode-pool.js';
import { resolveTenant } from '../tenant.js';

export interface PushRouteOptions {
  readonly authEnabled: boolean;
  readonly maxBodyBytes: number;
  readonly maxDecompressedBytes: number;
}

function header(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** POST /loki/api/v1/push and the legacy /api/prom/push. */
export function registerPushRoutes(server: HttpServer, distributor: Distributor, opts: PushRouteOptions): void {
  for (const [path, legacy] of [['/loki/api/v1/push', false], ['/api/prom/push', true]] as const) {
    server.add({
      methods: ['POST'],
      path,
      body: 'raw',
      maxBodyBytes: opts.maxBodyBytes,
      handler: async (req) => {
        const tenant = resolveTenant(req.headers, opts.authEnabled);
        // Decode and append are separate units of main-thread work, shared fairly between tenants
        // (fair-scheduler.ts); the wait for the WAL is not a unit.
        const done = mainThread.enter(tenant);
        try {
          const decodeOpts = {
            contentType: header(req.headers['content-type']),
            contentEncoding: header(req.headers['content-encoding']),
            maxDecompressedBytes: opts.maxDecompressedBytes,
            legacy,
          };
          const push = await decodeForTenant(tenant, req.body, decodeOpts);
          // Wrapped: the unit ends when the append is done, not when the WAL has it.
          const { pushed } = await mainThread.unit(tenant, () => ({ pushed: distributor.push(tenant, push) }));
          await pushed;
        } finally {
          done();
        }
        return { status: 204 };
      },
    });
  }
}

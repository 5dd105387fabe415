import type { Distributor } from '../../distributor/distributor.js';
import { decodePushRequest } from '../../push/index.js';
import type { HttpServer } from '../http.js';
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
        const push = await decodePushRequest(req.body, {
          contentType: header(req.headers['content-type']),
          contentEncoding: header(req.headers['content-encoding']),
          maxDecompressedBytes: opts.maxDecompressedBytes,
          legacy,
        });
        await distributor.push(tenant, push);
        return { status: 204 };
      },
    });
  }
}

import type { Distributor } from '../../distributor/distributor.js';
import { decodePushRequest, type DecodeOptions, type PushRequest } from '../../push/index.js';
import { mainThread } from '../fair-scheduler.js';
import type { HttpServer } from '../http.js';
import { PushDecodePool } from '../push-decode-pool.js';
import { resolveTenant } from '../tenant.js';

export interface PushRouteOptions {
  readonly authEnabled: boolean;
  readonly maxBodyBytes: number;
  readonly maxDecompressedBytes: number;
}

function header(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** Bodies at least this big are worth a trip to the decode worker (about 1 ms of decoding). */
const OFFLOAD_BYTES = 32 * 1024;
const decoder = new PushDecodePool();

/**
 * While tenants share the process, big bodies are decoded in a worker thread, off the main thread.
 * The decode still waits for the tenant's turn and is charged to it, so a tenant's CPU share
 * bounds its decoding too (pushes refused by its rate limit are decoded first, like Loki).
 */
async function decodeInWorker(tenant: string, body: Buffer, opts: DecodeOptions): Promise<PushRequest> {
  await mainThread.turn(tenant);
  const { push, ms } = await decoder.decode(body, opts);
  mainThread.charge(tenant, ms);
  return push;
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
          const push = req.body.length >= OFFLOAD_BYTES && mainThread.shared(tenant)
            ? await decodeInWorker(tenant, req.body, decodeOpts)
            : await mainThread.unit(tenant, () => decodePushRequest(req.body, decodeOpts));
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

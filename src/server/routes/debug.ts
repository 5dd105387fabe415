import { Session } from 'node:inspector/promises';
import { getHeapSnapshot } from 'node:v8';
import { BadRequestError, ClientClosedError, HttpError } from '../../util/errors.js';
import type { HttpServer } from '../http.js';

const DEFAULT_PROFILE_SECONDS = 30;
const MAX_PROFILE_SECONDS = 300;

/** V8 allows one CPU profiler per isolate in practice; overlapping profiles would cut each other short. */
let profiling = false;

function stamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-');
}

function profileSeconds(raw: string | null): number {
  if (raw === null || raw === '') return DEFAULT_PROFILE_SECONDS;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new BadRequestError(`invalid seconds: ${raw}`);
  return Math.min(n, MAX_PROFILE_SECONDS);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => { clearTimeout(t); signal.removeEventListener('abort', done); resolve(); };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Go's /debug/pprof counterparts for Node: a V8 heap snapshot and a CPU profile, both admin-only. */
export function registerDebugRoutes(server: HttpServer): void {
  server.add({
    methods: ['GET'], path: '/debug/pprof/heap', body: 'none', admin: true,
    handler: async () => {
      const chunks: Buffer[] = [];
      for await (const c of getHeapSnapshot()) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c as string));
      return {
        status: 200,
        headers: {
          'Content-Type': 'application/octet-stream',
          'Content-Disposition': `attachment; filename="skald-${stamp()}.heapsnapshot"`,
        },
        body: Buffer.concat(chunks),
      };
    },
  });
  server.add({
    methods: ['GET'], path: '/debug/pprof/profile', body: 'none', admin: true,
    handler: async (req) => {
      const seconds = profileSeconds(req.params.get('seconds'));
      if (profiling) throw new HttpError(409, 'a CPU profile is already being taken');
      profiling = true;
      const session = new Session();
      session.connect();
      try {
        await session.post('Profiler.enable');
        await session.post('Profiler.start');
        await sleep(seconds * 1000, req.signal);
        const { profile } = await session.post('Profiler.stop');
        if (req.signal.aborted) throw new ClientClosedError();
        return {
          status: 200,
          headers: {
            'Content-Type': 'application/octet-stream',
            'Content-Disposition': `attachment; filename="skald-${stamp()}.cpuprofile"`,
          },
          body: JSON.stringify(profile),
        };
      } finally {
        session.disconnect();
        profiling = false;
      }
    },
  });
}

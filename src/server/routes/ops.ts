import type { Ingester } from '../../ingester/ingester.js';
import type { Metrics } from '../../metrics/metrics.js';
import { BadRequestError } from '../../util/errors.js';
import { Logger } from '../../util/logger.js';
import { BUILD_INFO } from '../../util/version.js';
import type { LogLevel } from '../../config/types.js';
import { json, text, type HttpServer } from '../http.js';

export interface OpsDeps {
  readonly metrics: Metrics;
  readonly ingester: Ingester;
  readonly modules: readonly string[];
  /** Effective config as YAML for GET /config (mode: undefined | 'defaults' | 'diffs'). */
  readonly configYaml: (mode: string | undefined) => string;
  readonly isReady: () => string | undefined;
}

/** /ready, /metrics, /config, /services, /log_level, buildinfo and /flush. */
export function registerOpsRoutes(server: HttpServer, deps: OpsDeps): void {
  server.add({
    methods: ['GET'], path: '/ready', body: 'none',
    handler: async () => {
      const reason = deps.isReady();
      return reason === undefined ? text(200, 'ready\n') : text(503, reason + '\n');
    },
  });
  server.add({
    methods: ['GET'], path: '/metrics', body: 'none',
    handler: async () => ({
      status: 200,
      headers: { 'Content-Type': deps.metrics.registry.contentType },
      body: await deps.metrics.registry.metrics(),
    }),
  });
  server.add({
    methods: ['GET'], path: '/config', body: 'none', admin: true,
    handler: async (req) => ({ status: 200, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: deps.configYaml(req.params.get('mode') ?? undefined) }),
  });
  server.add({
    methods: ['GET'], path: '/services', body: 'none',
    handler: async () => text(200, deps.modules.map((m) => `${m} => Running`).join('\n') + '\n'),
  });
  server.add({
    methods: ['GET'], path: '/loki/api/v1/status/buildinfo', body: 'none',
    handler: async () => json(BUILD_INFO),
  });
  server.add({
    methods: ['GET', 'POST'], path: '/flush', admin: true,
    handler: async () => {
      await deps.ingester.flushAll();
      return { status: 204 };
    },
  });
  server.add({
    methods: ['GET', 'POST'], path: '/log_level', admin: true,
    handler: async (req) => {
      if (req.method === 'POST') {
        const level = req.params.get('log_level') ?? '';
        if (!['debug', 'info', 'warn', 'error'].includes(level)) throw new BadRequestError(`invalid log level: ${level}`);
        Logger.setLevel(level as LogLevel);
        return json({ message: `Log level set to ${level}`, status: 'success' });
      }
      return json({ message: `Current log level is ${Logger.getLevel()}`, status: 'success' });
    },
  });
}

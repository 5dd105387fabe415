import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { SkaldConfig } from '../config/types.js';
import { Distributor } from '../distributor/distributor.js';
import { StoreFlusher } from '../ingester/flush.js';
import { Ingester } from '../ingester/ingester.js';
import { Metrics } from '../metrics/metrics.js';
import { Querier } from '../querier/querier.js';
import { StoreReader } from '../querier/store-reader.js';
import { ScanPool, scanPool, setScanPool } from '../querier/scan-pool/pool.js';
import { availableParallelism } from 'node:os';
import { Authenticator, redactSecrets } from '../server/auth.js';
import { HttpServer, loadTlsSettings, type TlsSettings } from '../server/http.js';
import { TenantQueryScheduler } from '../server/query-scheduler.js';
import { validateTenantId } from '../server/tenant.js';
import { MetadataApi } from '../querier/metadata/api.js';
import { registerOpsRoutes } from '../server/routes/ops.js';
import { registerPushRoutes } from '../server/routes/push.js';
import { registerQueryRoutes } from '../server/routes/query.js';
import { registerMetadataRoutes } from '../server/routes/metadata.js';
import { registerTailRoutes } from '../server/routes/tail.js';
import { registerDebugRoutes } from '../server/routes/debug.js';
import { TailHub } from '../tail/hub.js';
import { FilesystemObjectStore } from '../storage/index.js';
import { IndexStore, indexPeriodsFromSchema } from '../index/index.js';
import type { LimitsConfig } from '../config/types.js';
import type { Logger } from '../util/logger.js';
import { BUILD_INFO } from '../util/version.js';
import { resolveModules } from './modules.js';

export interface AppDeps {
  readonly config: SkaldConfig;
  readonly limitsFor: (tenant: string) => LimitsConfig;
  readonly configYaml: (mode: string | undefined) => string;
  readonly log: Logger;
}

/** One Skald process: the modules of its target wired together behind one HTTP server. */
export class App {
  readonly metrics = new Metrics();
  readonly server: HttpServer;
  readonly ingester: Ingester;
  private address: AddressInfo | undefined;
  private stopping: Promise<void> | undefined;
  /** Worker threads for line-filter scans (querier.scan_workers), installed for the process's queries. */
  private readonly scanPool: ScanPool | undefined;

  private constructor(private readonly deps: AppDeps, tls: TlsSettings | undefined) {
    const { config, log } = deps;
    const auth = config.auth ? new Authenticator(config.auth, config.auth_enabled, validateTenantId) : undefined;
    const objects = new FilesystemObjectStore(config.storage_config.filesystem.directory);
    const index = new IndexStore(objects, { periods: indexPeriodsFromSchema(config.schema_config.configs) });
    this.ingester = new Ingester(
      config.ingester,
      deps.limitsFor,
      new StoreFlusher(objects, index, this.metrics),
      this.metrics,
      log.child({ component: 'ingester' }),
    );
    const distributor = new Distributor(deps.limitsFor, this.ingester, this.metrics);
    const querier = new Querier(this.ingester, new StoreReader(index, objects));
    const cores = availableParallelism();
    // One core: a worker only adds CPU time, there is no idle core for it to use.
    const scanWorkers = cores > 1 ? Math.min(config.querier.scan_workers, cores) : 0;
    this.scanPool = scanWorkers > 0 ? new ScanPool(scanWorkers) : undefined;
    setScanPool(this.scanPool);
    const stats = new MetadataApi({ ingester: this.ingester, index }, querier);
    this.server = new HttpServer(this.metrics, log.child({ component: 'server' }), {
      requestTimeoutMs: config.server.http_server_read_timeout,
      keepAliveTimeoutMs: config.server.http_server_idle_timeout,
      tls,
      auth,
    });
    const modules = resolveModules([config.target]);
    registerOpsRoutes(this.server, {
      metrics: this.metrics,
      ingester: this.ingester,
      modules,
      configYaml: (mode) => redactSecrets(deps.configYaml(mode)),
      isReady: () => (this.ingester.ready ? undefined : 'Ingester not ready: replaying the WAL'),
    });
    const maxBody = config.server.http_server_max_request_body_size;
    registerPushRoutes(this.server, distributor, { authEnabled: config.auth_enabled, maxBodyBytes: maxBody, maxDecompressedBytes: maxBody });
    registerQueryRoutes(this.server, querier, {
      authEnabled: config.auth_enabled,
      multiTenant: config.querier.multi_tenant_queries_enabled,
      limitsFor: deps.limitsFor,
      scheduler: new TenantQueryScheduler(config.querier.max_concurrent, config.frontend.max_outstanding_per_tenant),
      indexBytes: async (tenant, from, through, matchers) => (await stats.stats([tenant], { start: from, end: through }, matchers)).bytes,
    });
    registerMetadataRoutes(this.server, {
      ingester: this.ingester, index, querier,
      authEnabled: config.auth_enabled, multiTenant: config.querier.multi_tenant_queries_enabled, limitsFor: deps.limitsFor,
    });
    registerTailRoutes(this.server, {
      hub: TailHub.for(this.ingester), querier,
      authEnabled: config.auth_enabled, limitsFor: deps.limitsFor, tailMaxDurationMs: config.querier.tail_max_duration,
    });
    registerDebugRoutes(this.server);
    this.metrics.buildInfo.set({ version: BUILD_INFO.version, revision: BUILD_INFO.revision, branch: BUILD_INFO.branch, goversion: BUILD_INFO.goVersion, goos: process.platform, goarch: process.arch, tags: '' }, 1);
  }

  /** Creates directories, replays the WAL, then listens. */
  static async start(deps: AppDeps): Promise<App> {
    const { config } = deps;
    await mkdir(config.storage_config.filesystem.directory, { recursive: true });
    if (config.ingester.wal.enabled) await mkdir(config.ingester.wal.dir, { recursive: true });
    const app = new App(deps, await loadTlsSettings(config.server.http_tls_config));
    await app.ingester.start();
    app.address = await app.server.listen(config.server.http_listen_port, config.server.http_listen_address);
    deps.log.info('server listening', { component: 'server', addr: `${app.address.address}:${app.address.port}` });
    return app;
  }

  get url(): string {
    if (!this.address) throw new Error('not listening');
    return `${this.server.secure ? 'https' : 'http'}://${this.address.address}:${this.address.port}`;
  }

  /** Graceful stop: refuse new connections, finish requests, flush chunks, close the WAL. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      try {
        await this.server.close(this.deps.config.server.graceful_shutdown_timeout);
        await this.ingester.stop(true);
      } finally {
        // After the last query: its workers end with the app.
        if (this.scanPool !== undefined) {
          if (scanPool() === this.scanPool) setScanPool(undefined);
          await this.scanPool.close();
        }
      }
    })();
    return this.stopping;
  }
}

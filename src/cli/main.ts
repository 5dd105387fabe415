#!/usr/bin/env node
// First: sizes the thread pool before any module can start using it.
import './threadpool.js';
import { App } from '../app/app.js';
import { RUNNABLE_TARGETS } from '../app/modules.js';
import { ConfigError, TenantLimits, configToYaml, loadConfig, type ConfigMode } from '../config/index.js';
import { errorMessage } from '../util/errors.js';
import { Logger, rootLogger } from '../util/logger.js';
import { VERSION } from '../util/version.js';
import { isSubcommand, runSubcommand } from './commands/dispatch.js';
import { flagUsage } from './flags.js';

/** `skald [flags]`: runs the server, Loki-style (`-config.file=…`, `-target=all`, …). */
async function main(argv: readonly string[]): Promise<number> {
  if (isSubcommand(argv[0])) return runSubcommand(argv);
  let loaded;
  try {
    loaded = await loadConfig(argv, process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const { config, warnings, flags } = loaded;
  if (flags.help) {
    process.stdout.write(flagUsage());
    return 0;
  }
  if (flags.version) {
    process.stdout.write(`skald, version ${VERSION} (node ${process.versions.node})\n`);
    return 0;
  }
  Logger.setLevel(config.server.log_level);
  const log = rootLogger.child({ caller: 'main' });
  if (flags.printConfigStderr) process.stderr.write(configToYaml(config));
  for (const w of warnings) log.warn(w);
  if (flags.verifyConfig) {
    log.info('config is valid');
    return 0;
  }
  const targets = config.target.split(',').map((t) => t.trim());
  const unsupported = targets.filter((t) => !RUNNABLE_TARGETS.has(t));
  if (unsupported.length > 0) {
    log.error('target not available in this build: run -target=all', { target: unsupported.join(',') });
    return 1;
  }

  const limits = TenantLimits.fromConfig(config, rootLogger.child({ component: 'runtime-config' }));
  await limits.start();
  let app: App;
  try {
    app = await App.start({
      config,
      limitsFor: (tenant) => limits.forTenant(tenant),
      configYaml: (mode) => configToYaml(config, { mode: (mode === 'defaults' || mode === 'diffs' ? mode : 'all') as ConfigMode }),
      log: rootLogger,
    });
  } catch (err) {
    // Sections checked when their module starts (auth, TLS) report like load-time config errors.
    if (!(err instanceof ConfigError)) throw err;
    limits.stop();
    process.stderr.write(`${err.message}\n`);
    return 1;
  }
  log.info('Skald started', { version: VERSION, target: config.target });

  return new Promise<number>((resolve) => {
    let stopping = false;
    const shutdown = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      log.info('shutting down', { signal });
      app.stop().then(
        () => { limits.stop(); log.info('stopped'); resolve(0); },
        (err: unknown) => { log.error('shutdown failed', { err: errorMessage(err) }); resolve(1); },
      );
    };
    process.on('SIGTERM', () => shutdown('SIGTERM'));
    process.on('SIGINT', () => shutdown('SIGINT'));
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    rootLogger.error('fatal error', { err: err instanceof Error ? err.stack ?? err.message : String(err) });
    process.exit(1);
  },
);

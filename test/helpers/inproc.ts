import { App } from '../../src/app/app.js';
import { TenantLimits, configToYaml, loadConfig } from '../../src/config/index.js';
import { Logger } from '../../src/util/logger.js';
import { makeDataDir, removeDir, writeConfig } from './server.js';

export interface InProcessSkald {
  readonly app: App;
  readonly url: string;
  readonly dataDir: string;
  stop(): Promise<void>;
}

/** Starts Skald inside the test process on a random loopback port, with a fresh data dir. */
export async function startInProcess(extraYaml = '', extraArgs: string[] = []): Promise<InProcessSkald> {
  Logger.setSink(() => undefined);
  const dataDir = await makeDataDir();
  const file = await writeConfig(dataDir, extraYaml);
  const { config } = await loadConfig([`-config.file=${file}`, ...extraArgs], {}, { cwd: dataDir });
  const limits = TenantLimits.fromConfig(config);
  await limits.start();
  const app = await App.start({ config, limitsFor: (t) => limits.forTenant(t), configYaml: () => configToYaml(config), log: new Logger() });
  return {
    app,
    url: app.url,
    dataDir,
    async stop() {
      await app.stop();
      limits.stop();
      await removeDir(dataDir);
    },
  };
}

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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
export async function startInProcess(extraYaml = '', extraArgs: string[] = [], fullConfig?: (dataDir: string) => string): Promise<InProcessSkald> {
  Logger.setSink(() => undefined);
  const dataDir = await makeDataDir();
  let file: string;
  if (fullConfig) {
    file = join(dataDir, 'config.yaml');
    await writeFile(file, fullConfig(dataDir));
  } else file = await writeConfig(dataDir, extraYaml);
  const args = [`-config.file=${file}`, ...(fullConfig ? ['-server.http-listen-port=0', '-server.http-listen-address=127.0.0.1'] : []), ...extraArgs];
  const { config } = await loadConfig(args, {}, { cwd: dataDir });
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

import { spawn, type ChildProcess } from 'node:child_process';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface SkaldProcess {
  readonly url: string;
  readonly dataDir: string;
  readonly child: ChildProcess;
  readonly logs: string[];
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function makeDataDir(prefix = 'skald-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

type Yamlish = Record<string, unknown>;

function deepMerge(base: Yamlish, extra: Yamlish): Yamlish {
  const out: Yamlish = { ...base };
  for (const [k, v] of Object.entries(extra)) {
    const b = out[k];
    out[k] = b && v && typeof b === 'object' && typeof v === 'object' && !Array.isArray(v) ? deepMerge(b as Yamlish, v as Yamlish) : v;
  }
  return out;
}

/** Writes a config file into dataDir with path_prefix = dataDir, merged with the given YAML. */
export async function writeConfig(dataDir: string, extraYaml = ''): Promise<string> {
  const file = join(dataDir, 'skald.yaml');
  const base: Yamlish = {
    auth_enabled: false,
    server: { http_listen_address: '127.0.0.1', http_listen_port: 0, log_level: 'info' },
    common: { path_prefix: dataDir },
  };
  const extra = (parse(extraYaml) ?? {}) as Yamlish;
  await writeFile(file, stringify(deepMerge(base, extra)));
  return file;
}

/** Starts the real server as a child process (from source, via tsx) and waits until /ready. */
export async function freePort(): Promise<number> {
  const srv = createNetServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as AddressInfo).port;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

export async function startSkald(dataDir: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<SkaldProcess> {
  const port = await freePort();
  const flags = [...args, '-server.http-listen-address=127.0.0.1', `-server.http-listen-port=${port}`];
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(ROOT, 'src/cli/main.ts'), ...flags], {
    cwd: dataDir,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const onData = (d: Buffer): void => {
    for (const line of d.toString('utf8').split('\n')) {
      if (!line) continue;
      logs.push(line);
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const deadline = Date.now() + 60_000;
  let ready = false;
  while (Date.now() < deadline && !ready) {
    if (child.exitCode !== null) throw new Error(`skald exited with ${child.exitCode}:\n${logs.join('\n')}`);
    const res = await fetch(`${url}/ready`).catch(() => undefined);
    ready = res?.status === 200;
    if (!ready) await new Promise((r) => setTimeout(r, 50));
  }
  if (!ready) {
    child.kill('SIGKILL');
    throw new Error(`skald did not start:\n${logs.join('\n')}`);
  }
  return {
    url,
    dataDir,
    child,
    logs,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      return exited;
    },
  };
}

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

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

/** Writes a config file into dataDir with path_prefix = dataDir and the given YAML appended. */
export async function writeConfig(dataDir: string, extraYaml = ''): Promise<string> {
  const file = join(dataDir, 'skald.yaml');
  const yaml = `auth_enabled: false
server:
  http_listen_address: 127.0.0.1
  http_listen_port: 0
  log_level: info
common:
  path_prefix: ${dataDir}
${extraYaml}`;
  await writeFile(file, yaml);
  return file;
}

/** Starts the real server as a child process (from source, via tsx) and waits until /ready. */
export async function startSkald(dataDir: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<SkaldProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...args], {
    cwd: dataDir,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  let url: string | undefined;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const onData = (d: Buffer): void => {
    for (const line of d.toString('utf8').split('\n')) {
      if (!line) continue;
      logs.push(line);
      const m = /msg="?server listening"?.* addr=([\d.]+:\d+)/.exec(line);
      if (m && !url) url = `http://${m[1]}`;
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`skald exited with ${child.exitCode}:\n${logs.join('\n')}`);
    if (url) {
      const res = await fetch(`${url}/ready`).catch(() => undefined);
      if (res?.status === 200) break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  if (!url) throw new Error(`skald did not start:\n${logs.join('\n')}`);
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

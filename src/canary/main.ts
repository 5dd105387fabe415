import { UsageError } from '../cli/commands/errors.js';
import type { CommandIO } from '../cli/commands/io.js';
import { VERSION } from '../util/version.js';
import { Canary } from './canary.js';
import { canaryUsage, parseCanaryFlags, validateCanaryConfig } from './flags.js';

/** `skald canary [flags]`: runs until SIGINT/SIGTERM; exit 2 on bad flags. */
export async function runCanary(argv: readonly string[], io: CommandIO): Promise<number> {
  const cfg = parseCanaryFlags(argv, io.env);
  if (cfg.help) { io.stdout.write(canaryUsage()); return 0; }
  if (cfg.version) { io.stdout.write(`skald canary, version ${VERSION} (node ${process.versions.node})\n`); return 0; }
  const problem = validateCanaryConfig(cfg);
  if (problem) throw new UsageError(problem);
  const canary = new Canary(cfg, { stdout: io.stdout, log: (m) => io.stderr.write(m.endsWith('\n') ? m : m + '\n') });
  await canary.start();
  if (!io.signal.aborted) await new Promise<void>((resolve) => io.signal.addEventListener('abort', () => resolve(), { once: true }));
  await canary.stop();
  return 0;
}

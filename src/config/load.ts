/**
 * Builds the effective configuration like Loki: defaults, then the config file
 * (optionally with environment variables expanded), then command-line flags.
 */
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseFlags, type ParsedFlags } from '../cli/flags.js';
import { applyYaml } from './apply-yaml.js';
import { ANY_SCHEMA, defaultConfig, noFileDefaults } from './defaults.js';
import { applyDerivedDefaults } from './derive.js';
import { expand } from './envsubst.js';
import { ConfigError } from './errors.js';
import { setAt } from './paths.js';
import { lokiRoot } from './registry.js';
import type { SkaldConfig } from './types.js';
import { validateConfig } from './validate.js';

export interface LoadedConfig {
  config: SkaldConfig;
  /** Things worth logging at startup (accepted-but-not-implemented keys, ignored settings). */
  warnings: string[];
  flags: ParsedFlags;
  /** The config file read, if any. */
  configFile: string | undefined;
}

export interface LoadOptions {
  /** Directory relative config paths are resolved against (default: process.cwd()). */
  cwd?: string;
}

/** Loki's default `-config.file`: used only if one of them exists. */
const DEFAULT_CONFIG_FILES = 'config.yaml,config/config.yaml';

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function findConfigFile(list: string, cwd: string, required: boolean): Promise<string | undefined> {
  const candidates = list.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const c of candidates) if (await exists(resolve(cwd, c))) return c;
  if (required) {
    throw new ConfigError(`config file not found: ${candidates.join(', ')}`);
  }
  return undefined;
}

async function readConfigText(file: string, cwd: string): Promise<string> {
  try {
    return await readFile(resolve(cwd, file), 'utf8');
  } catch (err) {
    throw new ConfigError(`failed to read config file "${file}": ${(err as Error).message}`);
  }
}

function unimplementedWarning(paths: readonly string[]): string | undefined {
  return paths.length === 0 ? undefined : `config keys accepted but not implemented: ${paths.join(', ')}`;
}

/** Reads argv (without node and script), the environment and the config file into a SkaldConfig. */
export async function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv, opts: LoadOptions = {}): Promise<LoadedConfig> {
  const cwd = opts.cwd ?? process.cwd();
  const flags = parseFlags(argv);
  // An explicitly empty -config.file means: no file, built-in defaults.
  const configFile = flags.configFile === ''
    ? undefined
    : await findConfigFile(flags.configFile ?? DEFAULT_CONFIG_FILES, cwd, flags.configFile !== undefined);
  const warnings: string[] = [];

  const config = configFile === undefined ? noFileDefaults() : defaultConfig();
  const target = config as unknown as Record<string, unknown>;
  if (configFile !== undefined) {
    let text = await readConfigText(configFile, cwd);
    if (flags.expandEnv) text = expand(text, env);
    const { unimplemented } = applyYaml(text, target, ANY_SCHEMA, lokiRoot(), `config file "${configFile}"`);
    const w = unimplementedWarning(unimplemented);
    if (w) warnings.push(w);
  }
  for (const o of flags.overrides) setAt(target, ANY_SCHEMA, o.path, o.value);

  applyDerivedDefaults(config);
  warnings.push(...validateConfig(config));
  return { config, warnings, flags, configFile };
}

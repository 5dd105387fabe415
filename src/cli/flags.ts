/**
 * Loki's command line: Go flag package syntax (`-name=value`, `-name value`, `--name`,
 * boolean `-name` / `-name=false`, `--` ends flags) with Loki's flag names.
 * Flags that set config keys come from the config schema; the rest steer the process.
 */
import { ANY_SCHEMA } from '../config/defaults.js';
import { FlagError, ValueError } from '../config/errors.js';
import { leaves } from '../config/paths.js';
import { fromString, type Value, type ValueType } from '../config/values.js';

export interface FlagOverride {
  /** Flag name without dashes. */
  readonly flag: string;
  /** Config key the flag sets. */
  readonly path: string;
  readonly value: Value;
}

export interface ParsedFlags {
  /** `-config.file`: comma-separated candidates, the first existing one is used. */
  configFile: string | undefined;
  expandEnv: boolean;
  version: boolean;
  verifyConfig: boolean;
  printConfigStderr: boolean;
  logConfigReverseOrder: boolean;
  listTargets: boolean;
  /** `-h` / `-help`: print flagUsage() and exit 0. */
  help: boolean;
  /** Config keys set on the command line, in command-line order (later wins). */
  overrides: FlagOverride[];
  /** Arguments after the flags. */
  args: string[];
}

type ControlKey = 'expandEnv' | 'version' | 'verifyConfig' | 'printConfigStderr' | 'logConfigReverseOrder' | 'listTargets';

export interface FlagDef {
  readonly name: string;
  readonly type: ValueType;
  readonly usage: string;
  readonly path?: string;
  readonly control?: ControlKey | 'configFile';
}

const BOOL: ValueType = { t: 'bool' };
const STRING: ValueType = { t: 'string' };

const CONTROL_FLAGS: readonly FlagDef[] = [
  { name: 'config.file', type: STRING, control: 'configFile', usage: 'Configuration file to load; a comma-separated list, the first existing file is used (default "config.yaml,config/config.yaml").' },
  { name: 'config.expand-env', type: BOOL, control: 'expandEnv', usage: 'Expand ${VAR} and ${VAR:-default} in the config file from the environment.' },
  { name: 'version', type: BOOL, control: 'version', usage: 'Print version information and exit.' },
  { name: 'verify-config', type: BOOL, control: 'verifyConfig', usage: 'Check the configuration and exit.' },
  { name: 'print-config-stderr', type: BOOL, control: 'printConfigStderr', usage: 'Print the effective configuration to stderr.' },
  { name: 'log-config-reverse-order', type: BOOL, control: 'logConfigReverseOrder', usage: 'Log the effective configuration at info level, last line first.' },
  { name: 'list-targets', type: BOOL, control: 'listTargets', usage: 'List the available targets and exit.' },
];

/** Flags that steer the process rather than set a config key. */
export function controlFlags(): readonly FlagDef[] {
  return CONTROL_FLAGS;
}

let table: Map<string, FlagDef> | undefined;

/** Every flag Skald understands, by name. */
export function flagDefinitions(): ReadonlyMap<string, FlagDef> {
  if (!table) {
    table = new Map(CONTROL_FLAGS.map((f) => [f.name, f]));
    for (const { path, spec } of leaves(ANY_SCHEMA)) {
      if (spec.flag === undefined) continue;
      if (table.has(spec.flag)) throw new Error(`BUG: flag -${spec.flag} defined twice`);
      table.set(spec.flag, { name: spec.flag, type: spec.type, path, usage: spec.doc });
    }
  }
  return table;
}

function emptyResult(): ParsedFlags {
  return {
    configFile: undefined, expandEnv: false, version: false, verifyConfig: false, printConfigStderr: false,
    logConfigReverseOrder: false, listTargets: false, help: false, overrides: [], args: [],
  };
}

function convert(def: FlagDef, raw: string): Value {
  try {
    return fromString(def.type, raw);
  } catch (err) {
    if (!(err instanceof ValueError)) throw err;
    if (def.type.t === 'bool') throw new FlagError(`invalid boolean value "${raw}" for -${def.name}: ${err.message}`);
    throw new FlagError(`invalid value "${raw}" for flag -${def.name}: ${err.message}`);
  }
}

function store(out: ParsedFlags, def: FlagDef, value: Value): void {
  if (def.control === 'configFile') out.configFile = String(value);
  else if (def.control) out[def.control] = value === true;
  else if (def.path) out.overrides.push({ flag: def.name, path: def.path, value });
}

/** Parses the arguments after the program name. Throws FlagError with Go's wording. */
export function parseFlags(argv: readonly string[]): ParsedFlags {
  const defs = flagDefinitions();
  const out = emptyResult();
  let i = 0;
  while (i < argv.length) {
    const arg = argv[i];
    if (arg.length < 2 || arg[0] !== '-') break;
    let dashes = 1;
    if (arg[1] === '-') {
      dashes = 2;
      if (arg.length === 2) { i++; break; }
    }
    const body = arg.slice(dashes);
    if (body === '' || body[0] === '-' || body[0] === '=') throw new FlagError(`bad flag syntax: ${arg}`);
    i++;
    const eq = body.indexOf('=');
    const name = eq < 0 ? body : body.slice(0, eq);
    const inline = eq < 0 ? undefined : body.slice(eq + 1);
    const def = defs.get(name);
    if (!def) {
      if (name === 'help' || name === 'h') { out.help = true; continue; }
      throw new FlagError(`flag provided but not defined: -${name}`);
    }
    if (def.type.t === 'bool') {
      store(out, def, inline === undefined ? true : convert(def, inline));
      continue;
    }
    let raw = inline;
    if (raw === undefined) {
      if (i >= argv.length) throw new FlagError(`flag needs an argument: -${name}`);
      raw = argv[i++];
    }
    store(out, def, convert(def, raw));
  }
  out.args = argv.slice(i);
  return out;
}

function usageType(type: ValueType): string {
  switch (type.t) {
    case 'int': case 'float': case 'duration': return type.t;
    case 'bytes': return 'value';
    default: return 'string';
  }
}

/** `-help` text, like Go's flag.PrintDefaults. */
export function flagUsage(program = 'skald'): string {
  const lines = [`Usage of ${program}:`];
  const defs = [...flagDefinitions().values()].sort((a, b) => a.name.localeCompare(b.name));
  for (const d of defs) {
    const kind = d.type.t === 'bool' ? '' : ` ${usageType(d.type)}`;
    lines.push(`  -${d.name}${kind}`, `    \t${d.usage}`);
  }
  return lines.join('\n') + '\n';
}

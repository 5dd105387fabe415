/**
 * logcli's command-line syntax (kingpin): `--name=value`, `--name value`, short `-o raw` /
 * `-oraw`, clustered short booleans `-qt`, `--no-name` for booleans, repeatable list flags,
 * flags before or after positional arguments, `--` ending the flags, and an environment
 * variable per flag used when the flag is not given.
 */
import { DurationError, parseDuration } from '../../logql/syntax/index.js';
import { UsageError } from './errors.js';

export type FlagKind = 'string' | 'bool' | 'int' | 'duration' | 'list';

export interface FlagSpec {
  readonly name: string;
  readonly kind: FlagKind;
  readonly help: string;
  readonly short?: string;
  readonly env?: string;
  /** Default as text, shown in help and used when neither flag nor env is set. */
  readonly default?: string;
}

const TRUE = new Set(['true', '1', 't', 'yes']);
const FALSE = new Set(['false', '0', 'f', 'no']);

function parseBool(raw: string, what: string): boolean {
  const v = raw.toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  throw new UsageError(`invalid boolean value '${raw}' for ${what}`);
}

/** Parsed flags with typed accessors; conversion errors name the flag. */
export class Args {
  constructor(
    private readonly specs: ReadonlyMap<string, FlagSpec>,
    private readonly values: ReadonlyMap<string, readonly string[]>,
    private readonly env: Readonly<Record<string, string | undefined>>,
    readonly positional: readonly string[],
    readonly help: boolean,
  ) {}

  private spec(name: string): FlagSpec {
    const s = this.specs.get(name);
    if (!s) throw new Error(`BUG: flag --${name} not declared`);
    return s;
  }

  /** The raw value: command line, then environment, then default. */
  raw(name: string): string | undefined {
    const s = this.spec(name);
    const given = this.values.get(name);
    if (given && given.length > 0) return given[given.length - 1];
    const fromEnv = s.env ? this.env[s.env] : undefined;
    if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
    return s.default;
  }

  /** True when the flag was on the command line or its variable is set. */
  given(name: string): boolean {
    const s = this.spec(name);
    return (this.values.get(name)?.length ?? 0) > 0 || (s.env !== undefined && (this.env[s.env] ?? '') !== '');
  }

  string(name: string): string {
    return this.raw(name) ?? '';
  }

  bool(name: string): boolean {
    const v = this.raw(name);
    return v === undefined ? false : parseBool(v, `--${name}`);
  }

  int(name: string): number {
    const v = this.raw(name) ?? '0';
    if (!/^[+-]?\d+$/.test(v)) throw new UsageError(`invalid value '${v}' for --${name}: expected an integer`);
    return Number(v);
  }

  /** Duration in nanoseconds (`1h`, `90m`, `1h30m`, `2d`). */
  durationNs(name: string): bigint {
    const v = this.raw(name) ?? '0';
    try {
      return parseDuration(v);
    } catch (err) {
      if (err instanceof DurationError) throw new UsageError(`invalid value '${v}' for --${name}: ${err.message}`);
      throw err;
    }
  }

  list(name: string): string[] {
    this.spec(name);
    return [...(this.values.get(name) ?? [])];
  }
}

/** Parses argv (after the subcommand name) against the command's flags. */
export function parseArgs(specs: readonly FlagSpec[], argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Args {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short!, s]));
  const values = new Map<string, string[]>();
  const positional: string[] = [];
  let help = false;
  const set = (s: FlagSpec, v: string): void => {
    if (s.kind === 'bool') parseBool(v, `--${s.name}`);
    const list = values.get(s.name) ?? [];
    if (s.kind === 'list') list.push(v);
    else list.splice(0, list.length, v);
    values.set(s.name, list);
  };

  let i = 0;
  const next = (flag: string): string => {
    if (i >= argv.length) throw new UsageError(`expected argument for flag ${flag}`);
    return argv[i++];
  };
  while (i < argv.length) {
    const arg = argv[i++];
    if (arg === '--') { positional.push(...argv.slice(i)); break; }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = arg.slice(2, eq < 0 ? undefined : eq);
      const inline = eq < 0 ? undefined : arg.slice(eq + 1);
      if (name === 'help') { help = true; continue; }
      const s = byName.get(name);
      if (!s) {
        const neg = name.startsWith('no-') && inline === undefined ? byName.get(name.slice(3)) : undefined;
        if (neg?.kind !== 'bool') throw new UsageError(`unknown long flag '--${name}'`);
        set(neg, 'false');
      } else if (s.kind === 'bool') set(s, inline ?? 'true');
      else set(s, inline ?? next(`--${name}`));
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      // A cluster of short flags: booleans, then at most one flag taking the rest as its value.
      for (let j = 1; j < arg.length; j++) {
        const c = arg[j];
        if (c === 'h') { help = true; continue; }
        const s = byShort.get(c);
        if (!s) throw new UsageError(`unknown short flag '-${c}'`);
        if (s.kind === 'bool') { set(s, 'true'); continue; }
        let rest = arg.slice(j + 1);
        if (rest.startsWith('=')) rest = rest.slice(1);
        set(s, rest !== '' ? rest : next(`-${c}`));
        break;
      }
      continue;
    }
    positional.push(arg);
  }
  return new Args(byName, values, env, positional, help);
}

/** Help text: synopsis, description and one line per flag with its default and variable. */
export function usageText(synopsis: string, description: string, specs: readonly FlagSpec[]): string {
  const rows = specs.map((s) => {
    const head = (s.short ? `-${s.short}, ` : '    ') + `--${s.name}` + (s.kind === 'bool' ? '' : `=${s.kind === 'list' ? 'LABEL' : s.kind.toUpperCase()}`);
    const extra = [s.default !== undefined && s.default !== '' ? `default: ${s.default}` : '', s.env ? `$${s.env}` : ''].filter(Boolean).join(', ');
    return { head, text: s.help + (extra ? ` (${extra})` : '') };
  });
  const width = Math.max(0, ...rows.map((r) => r.head.length)) + 2;
  return `usage: ${synopsis}\n\n${description}\n\nFlags:\n` + rows.map((r) => `  ${r.head.padEnd(width)}${r.text}`).join('\n') + '\n';
}

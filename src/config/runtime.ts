/**
 * Per-tenant limits from Loki's runtime config file (`overrides:`), reloaded every
 * runtime_config.period and when the file changes. A bad reload keeps the previous
 * overrides and logs the error; a bad file at start-up is fatal, as in Loki.
 */
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { rootLogger, type Logger } from '../util/logger.js';
import { applyYaml } from './apply-yaml.js';
import { ANY_LIMITS_SCHEMA } from './defaults.js';
import { errorMessage } from '../util/errors.js';
import { ConfigError } from './errors.js';
import { lokiBlock } from './registry.js';
import type { AnySchema } from './spec.js';
import type { LimitsConfig, SkaldConfig } from './types.js';

export interface TenantLimitsOptions {
  /** Comma-separated runtime config files, merged left to right; empty = no overrides. */
  file: string;
  /** Reload period in ms. */
  period: number;
  logger?: Logger;
  /** Directory relative file names are resolved against. */
  cwd?: string;
}

type Overrides = Map<string, Readonly<LimitsConfig>>;

function deepFreeze<T>(obj: T): Readonly<T> {
  if (obj && typeof obj === 'object' && !Object.isFrozen(obj)) {
    Object.freeze(obj);
    for (const v of Object.values(obj)) deepFreeze(v);
  }
  return obj;
}

const WATCH_DEBOUNCE_MS = 100;

export class TenantLimits {
  private readonly defaults: Readonly<LimitsConfig>;
  private readonly files: string[];
  private readonly log: Logger;
  private overrides: Overrides = new Map();
  private lastText: string | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private debounce: ReturnType<typeof setTimeout> | undefined;
  private watchers: FSWatcher[] = [];
  private reloading: Promise<boolean> | undefined;
  private listeners: Array<() => void> = [];
  private error: string | undefined;

  constructor(defaults: LimitsConfig, private readonly opts: TenantLimitsOptions) {
    this.defaults = deepFreeze(structuredClone(defaults));
    this.files = opts.file.split(',').map((f) => f.trim()).filter((f) => f !== '').map((f) => resolve(opts.cwd ?? '.', f));
    this.log = opts.logger ?? rootLogger.child({ component: 'runtime-config' });
  }

  static fromConfig(config: SkaldConfig, logger?: Logger): TenantLimits {
    return new TenantLimits(config.limits_config, { file: config.runtime_config.file, period: config.runtime_config.period, logger });
  }

  /** limits_config with the tenant's overrides applied. The object is frozen; do not keep it across reloads. */
  forTenant(tenant: string): Readonly<LimitsConfig> {
    return this.overrides.get(tenant) ?? this.defaults;
  }

  /** Tenants that have overrides. */
  tenants(): string[] {
    return [...this.overrides.keys()];
  }

  /** The error of the last failed reload, cleared by a good one. */
  get lastError(): string | undefined {
    return this.error;
  }

  /** Called after overrides changed. */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Loads the files once (throwing ConfigError if they are invalid), then keeps them up to date. */
  async start(): Promise<void> {
    if (this.files.length === 0) return;
    this.apply(await this.parse());
    if (this.opts.period > 0) {
      this.timer = setInterval(() => void this.reload(), this.opts.period);
      this.timer.unref();
    }
    for (const f of this.files) {
      try {
        const w = watch(f, { persistent: false }, () => this.scheduleReload());
        w.on('error', () => w.close());
        this.watchers.push(w);
      } catch {
        // Watching is best effort; the periodic reload still picks changes up.
      }
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.debounce) clearTimeout(this.debounce);
    this.timer = undefined;
    this.debounce = undefined;
    for (const w of this.watchers) w.close();
    this.watchers = [];
  }

  /** Re-reads the files; returns whether the overrides changed. Never throws. */
  reload(): Promise<boolean> {
    this.reloading ??= this.doReload().finally(() => { this.reloading = undefined; });
    return this.reloading;
  }

  private scheduleReload(): void {
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => { this.debounce = undefined; void this.reload(); }, WATCH_DEBOUNCE_MS);
    this.debounce.unref();
  }

  private async doReload(): Promise<boolean> {
    try {
      const parsed = await this.parse();
      if (parsed.text === this.lastText) return false;
      this.apply(parsed);
      this.error = undefined;
      this.log.info('runtime config reloaded', { tenants: this.overrides.size });
      for (const l of this.listeners) l();
      return true;
    } catch (err) {
      const msg = errorMessage(err);
      if (msg !== this.error) this.log.error('failed to reload runtime config, keeping the previous overrides', { err: msg });
      this.error = msg;
      return false;
    }
  }

  private apply(parsed: { text: string; overrides: Overrides; unimplemented: string[] }): void {
    this.overrides = parsed.overrides;
    this.lastText = parsed.text;
    if (parsed.unimplemented.length > 0) {
      this.log.warn(`runtime config keys accepted but not implemented: ${parsed.unimplemented.join(', ')}`);
    }
  }

  private async parse(): Promise<{ text: string; overrides: Overrides; unimplemented: string[] }> {
    const schema: AnySchema = {
      overrides: { kind: 'dict', item: ANY_LIMITS_SCHEMA, base: () => structuredClone(this.defaults) as unknown as Record<string, unknown> },
    };
    const target: Record<string, unknown> = { overrides: {} };
    const unimplemented: string[] = [];
    let text = '';
    for (const file of this.files) {
      let content: string;
      try {
        content = await readFile(file, 'utf8');
      } catch (err) {
        throw new ConfigError(`failed to read runtime config file "${file}": ${errorMessage(err)}`);
      }
      text += `${file}\0${content}\0`;
      const r = applyYaml(content, target, schema, lokiBlock('runtime_file'), `runtime config file "${file}"`);
      unimplemented.push(...r.unimplemented);
    }
    const overrides: Overrides = new Map();
    for (const [tenant, limits] of Object.entries(target.overrides as Record<string, unknown>)) {
      overrides.set(tenant, deepFreeze(limits as LimitsConfig));
    }
    return { text, overrides, unimplemented };
  }
}

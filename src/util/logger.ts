import { AsyncLocalStorage } from 'node:async_hooks';
import type { LogLevel } from '../config/types.js';

const LEVELS: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export type LogFields = Record<string, string | number | boolean | bigint | undefined | null>;

function fmtValue(v: string | number | boolean | bigint): string {
  const s = String(v);
  return s === '' || /[\s"=\\]/.test(s) ? JSON.stringify(s) : s;
}

/** Per-request fields (request_id, tenant) that every log line written inside the request carries. */
export interface LogContext {
  request_id?: string;
  tenant?: string;
}

const contextStore = new AsyncLocalStorage<LogContext>();

/** Runs fn with ctx attached to every log line written from it, across awaits. */
export function withLogContext<T>(ctx: LogContext, fn: () => T): T {
  return contextStore.run(ctx, fn);
}

/** The current request's log context, if any; mutable so later stages can fill in the tenant. */
export function currentLogContext(): LogContext | undefined {
  return contextStore.getStore();
}

/** logfmt logger: `ts=… level=… component=… msg=… key=value`. */
export class Logger {
  private static level = LEVELS.info;
  private static sink: (line: string) => void = (line) => process.stderr.write(line + '\n');

  constructor(private readonly fields: LogFields = {}) {}

  static setLevel(level: LogLevel): void { Logger.level = LEVELS[level]; }
  static getLevel(): LogLevel {
    return (Object.keys(LEVELS) as LogLevel[]).find((k) => LEVELS[k] === Logger.level) ?? 'info';
  }
  static setSink(sink: (line: string) => void): void { Logger.sink = sink; }

  child(fields: LogFields): Logger {
    return new Logger({ ...this.fields, ...fields });
  }

  debug(msg: string, fields?: LogFields): void { this.log('debug', msg, fields); }
  info(msg: string, fields?: LogFields): void { this.log('info', msg, fields); }
  warn(msg: string, fields?: LogFields): void { this.log('warn', msg, fields); }
  error(msg: string, fields?: LogFields): void { this.log('error', msg, fields); }

  private log(level: LogLevel, msg: string, fields?: LogFields): void {
    if (LEVELS[level] < Logger.level) return;
    let line = `ts=${new Date().toISOString()} level=${level}`;
    const ctx = contextStore.getStore();
    const all = { ...this.fields, ...(ctx ? { request_id: ctx.request_id, tenant: ctx.tenant } : {}), msg, ...fields };
    for (const [k, v] of Object.entries(all)) {
      if (v === undefined || v === null) continue;
      line += ` ${k}=${fmtValue(v)}`;
    }
    Logger.sink(line);
  }
}

export const rootLogger = new Logger();

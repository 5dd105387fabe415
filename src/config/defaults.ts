/** Default configurations built from the schema. */
import { LIMITS_SCHEMA, SCHEMA } from './schema.js';
import { defaultsOf, untyped, type AnySchema } from './spec.js';
import type { LimitsConfig, SkaldConfig } from './types.js';

export const ANY_SCHEMA: AnySchema = untyped(SCHEMA);
export const ANY_LIMITS_SCHEMA: AnySchema = untyped(LIMITS_SCHEMA);

/** Loki 3.4's defaults (plus Skald's own keys), as used when a config file is given. */
export function defaultConfig(): SkaldConfig {
  // The schema is checked against SkaldConfig at compile time, so its defaults have this shape.
  return defaultsOf(ANY_SCHEMA) as unknown as SkaldConfig;
}

/** Defaults when Skald starts without a config file: a local single binary without auth. */
export function noFileDefaults(): SkaldConfig {
  return { ...defaultConfig(), auth_enabled: false };
}

export function defaultLimits(): LimitsConfig {
  return defaultsOf(ANY_LIMITS_SCHEMA) as unknown as LimitsConfig;
}

/** Loki-compatible configuration: load, print, per-tenant overrides. */
export type * from './types.js';
export { ConfigError, FlagError } from './errors.js';
export { loadConfig, type LoadedConfig, type LoadOptions } from './load.js';
export { configToYaml, reversedConfigLines, type ConfigMode } from './print.js';
export { defaultConfig, defaultLimits, noFileDefaults } from './defaults.js';
export { TenantLimits, type TenantLimitsOptions } from './runtime.js';
export { parseDuration, formatGoDuration, formatPromDuration } from './duration.js';
export { parseByteSize, formatByteSize } from './bytesize.js';
export { TARGETS, parseTargets, type Target } from './targets.js';

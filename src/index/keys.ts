import { InvalidTenantError } from './errors.js';

/**
 * Object key layouts.
 *
 *   chunk pack:  <tenant>/packs/<from hex>-<through hex>-<unique hex>
 *   chunk:       <tenant>/chunks/<fingerprint hex>/<from hex>-<through hex>-<checksum hex> (a chunk stored alone)
 *   index file:  index/<prefix><period number>/<tenant>/<unique>.idx
 *
 * Hex is lowercase without padding; from/through are the first and last timestamps in ns of the
 * chunk or of all the pack's chunks (two's complement u64 for negative values), checksum the
 * CRC-32 of the chunk, unique a random u32.
 * The period number is floor(unix ms / period ms), as Loki numbers its index tables.
 */

const TENANT_RE = /^[A-Za-z0-9!\-_.*'()]+$/;

/** Loki's tenant ID rules (letters, digits, !-_.*'(), at most 150 bytes, not "." or ".."). */
export function validateTenant(tenant: string): void {
  if (tenant.length === 0 || tenant.length > 150 || tenant === '.' || tenant === '..' || !TENANT_RE.test(tenant)) throw new InvalidTenantError(tenant);
}

function u64hex(v: bigint): string {
  return BigInt.asUintN(64, v).toString(16);
}

function parseU64hex(s: string): bigint | null {
  if (!/^[0-9a-f]{1,16}$/.test(s)) return null;
  return BigInt('0x' + s);
}

export function chunkKey(tenant: string, fingerprint: bigint, from: bigint, through: bigint, checksum: number): string {
  validateTenant(tenant);
  return `${tenant}/chunks/${u64hex(fingerprint)}/${u64hex(from)}-${u64hex(through)}-${(checksum >>> 0).toString(16)}`;
}

/** Key of a chunk pack: one object holding a flush's encoded chunks of one tenant, back to back. */
export function packKey(tenant: string, from: bigint, through: bigint, unique: number): string {
  validateTenant(tenant);
  return `${tenant}/packs/${u64hex(from)}-${u64hex(through)}-${(unique >>> 0).toString(16)}`;
}

export interface ParsedChunkKey {
  tenant: string;
  fingerprint: bigint;
  from: bigint;
  through: bigint;
  checksum: number;
}

/** The parts of a chunk key, or null when `key` is not one. */
export function parseChunkKey(key: string): ParsedChunkKey | null {
  const m = /^([^/]+)\/chunks\/([0-9a-f]+)\/([0-9a-f]+)-([0-9a-f]+)-([0-9a-f]{1,8})$/.exec(key);
  if (m === null) return null;
  const fp = parseU64hex(m[2]);
  const from = parseU64hex(m[3]);
  const through = parseU64hex(m[4]);
  if (fp === null || from === null || through === null) return null;
  return { tenant: m[1], fingerprint: fp, from: BigInt.asIntN(64, from), through: BigInt.asIntN(64, through), checksum: parseInt(m[5], 16) };
}

export function indexTableName(prefix: string, periodNumber: number): string {
  return `${prefix}${periodNumber}`;
}

/** Prefix listing every index file of a tenant in one table. */
export function indexTenantPrefix(table: string, tenant: string): string {
  validateTenant(tenant);
  return `index/${table}/${tenant}/`;
}

export function indexFileKey(table: string, tenant: string, unique: string): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(unique)) throw new RangeError(`invalid index file name ${JSON.stringify(unique)}`);
  return `${indexTenantPrefix(table, tenant)}${unique}.idx`;
}

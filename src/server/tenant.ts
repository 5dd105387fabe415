import type { IncomingHttpHeaders } from 'node:http';
import { BadRequestError, UnauthorizedError } from '../util/errors.js';
import { principalOf, readTenantsOf, writeTenantOf } from './auth.js';

export const DEFAULT_TENANT = 'fake';
const MAX_TENANT_LENGTH = 150;
const TENANT_RE = /^[a-zA-Z0-9!\-_.*'()]+$/;

/** dskit's tenant ID rules: safe characters only, at most 150 bytes, not "." or "..". */
export function validateTenantId(id: string): void {
  if (id.length > MAX_TENANT_LENGTH) throw new UnauthorizedError(`tenant ID is too long: max ${MAX_TENANT_LENGTH} characters`);
  if (id === '.' || id === '..') throw new UnauthorizedError('tenant ID is \'.\' or \'..\'');
  if (!TENANT_RE.test(id)) {
    const bad = [...id].find((c) => !TENANT_RE.test(c)) ?? '';
    throw new UnauthorizedError(`tenant ID '${id}' contains unsupported character '${bad}'`);
  }
}

function headerValue(headers: IncomingHttpHeaders): string | undefined {
  const v = headers['x-scope-orgid'];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * The one tenant of a write (push, delete, rules). With built-in auth the server has bound the
 * request's credential, whose tenants X-Scope-OrgID may only narrow (src/server/auth.ts).
 */
export function resolveTenant(headers: IncomingHttpHeaders, authEnabled: boolean): string {
  const principal = principalOf(headers);
  if (principal) return writeTenantOf(principal, headerValue(headers));
  if (!authEnabled) return DEFAULT_TENANT;
  const v = headerValue(headers);
  if (v === undefined || v === '') throw new UnauthorizedError('no org id');
  if (v.includes('|')) throw new BadRequestError('multiple org IDs present');
  validateTenantId(v);
  return v;
}

/** The tenants of a read: `a|b` when multi-tenant queries are enabled; sorted and de-duplicated. */
export function resolveReadTenants(headers: IncomingHttpHeaders, authEnabled: boolean, multiTenant: boolean): string[] {
  const principal = principalOf(headers);
  if (principal) return readTenantsOf(principal, headerValue(headers), multiTenant);
  if (!authEnabled) return [DEFAULT_TENANT];
  const v = headerValue(headers);
  if (v === undefined || v === '') throw new UnauthorizedError('no org id');
  const ids = [...new Set(v.split('|'))].sort();
  for (const id of ids) validateTenantId(id);
  if (ids.length > 1 && !multiTenant) throw new BadRequestError('multiple org IDs present');
  return ids;
}

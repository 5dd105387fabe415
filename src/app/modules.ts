/**
 * The module graph: each module, what it needs, and which targets run it (like Loki's modules.go).
 * The single binary wires every module of the chosen target in one process.
 */
export type ModuleName =
  | 'server' | 'runtime-config' | 'store' | 'ingester' | 'distributor' | 'querier' | 'query-frontend' | 'compactor' | 'ruler';

export const MODULE_DEPS: Readonly<Record<ModuleName, readonly ModuleName[]>> = {
  'server': [],
  'runtime-config': [],
  'store': ['runtime-config'],
  'ingester': ['server', 'store', 'runtime-config'],
  'distributor': ['server', 'ingester', 'runtime-config'],
  'querier': ['server', 'store', 'ingester', 'runtime-config'],
  'query-frontend': ['server', 'querier', 'runtime-config'],
  'compactor': ['server', 'store'],
  'ruler': ['server', 'querier'],
};

export const TARGETS: Readonly<Record<string, readonly ModuleName[]>> = {
  all: ['distributor', 'ingester', 'querier', 'query-frontend'],
  write: ['distributor', 'ingester'],
  read: ['query-frontend', 'querier'],
  backend: ['compactor', 'ruler'],
  distributor: ['distributor'],
  ingester: ['ingester'],
  querier: ['querier'],
  'query-frontend': ['query-frontend'],
  compactor: ['compactor'],
  ruler: ['ruler'],
};

/** Targets this build can run as a process. The others need the network transport between modules. */
export const RUNNABLE_TARGETS: ReadonlySet<string> = new Set(['all']);

/** Every module a set of targets needs, dependencies first. */
export function resolveModules(targets: readonly string[]): ModuleName[] {
  const out: ModuleName[] = [];
  const visit = (m: ModuleName): void => {
    if (out.includes(m)) return;
    for (const d of MODULE_DEPS[m]) visit(d);
    out.push(m);
  };
  for (const t of targets) for (const m of TARGETS[t] ?? []) visit(m);
  return out;
}

/** Loki's key tree, parsed from the compact listing in loki-keys.ts. */
import { LOKI_KEYS } from './loki-keys.js';

export type KeyKind = 'value' | 'map' | 'list' | 'dict' | 'open';

/**
 * One key of Loki's configuration. For `map` and `list` (of mappings) `child` looks up nested keys;
 * for `dict` (user-defined keys) it gives the block every value follows.
 */
export interface KeyNode {
  readonly kind: KeyKind;
  child(key: string): KeyNode | undefined;
  keys(): string[];
}

interface RawMap {
  readonly entries: Map<string, RawEntry>;
  readonly includes: string[];
}

type RawEntry =
  | { kind: 'value' | 'open' }
  | { kind: 'map'; map: RawMap }
  | { kind: 'ref' | 'list' | 'dict'; block: string };

function newMap(): RawMap {
  return { entries: new Map(), includes: [] };
}

function parseBlocks(text: string): Map<string, RawMap> {
  const blocks = new Map<string, RawMap>();
  let stack: Array<{ indent: number; map: RawMap }> = [];
  for (const rawLine of text.split('\n')) {
    if (rawLine.trim() === '') continue;
    if (rawLine.startsWith('#')) {
      const map = newMap();
      blocks.set(rawLine.slice(1).trim(), map);
      stack = [{ indent: 0, map }];
      continue;
    }
    const indent = rawLine.length - rawLine.trimStart().length;
    while (stack.length > 1 && stack[stack.length - 1].indent >= indent) stack.pop();
    const target = stack[stack.length - 1].map;
    for (const token of rawLine.trim().split(/\s+/)) {
      if (token.startsWith('@')) { target.includes.push(token.slice(1)); continue; }
      if (token.endsWith(':')) {
        const map = newMap();
        target.entries.set(token.slice(0, -1), { kind: 'map', map });
        stack.push({ indent, map });
        continue;
      }
      if (token.endsWith('*')) { target.entries.set(token.slice(0, -1), { kind: 'open' }); continue; }
      const dict = /^(\w+)\{\}@(\w+)$/.exec(token);
      if (dict) { target.entries.set(dict[1], { kind: 'dict', block: dict[2] }); continue; }
      const list = /^(\w+)\[\]@(\w+)$/.exec(token);
      if (list) { target.entries.set(list[1], { kind: 'list', block: list[2] }); continue; }
      const ref = /^(\w+)@(\w+)$/.exec(token);
      if (ref) { target.entries.set(ref[1], { kind: 'ref', block: ref[2] }); continue; }
      target.entries.set(token, { kind: 'value' });
    }
  }
  return blocks;
}

class Registry {
  constructor(readonly blocks: ReadonlyMap<string, RawMap>) {}

  block(name: string): RawMap {
    const b = this.blocks.get(name);
    if (!b) throw new Error(`BUG: unknown config key block "${name}"`);
    return b;
  }

  find(map: RawMap, key: string): RawEntry | undefined {
    const own = map.entries.get(key);
    if (own) return own;
    for (const inc of map.includes) {
      const found = this.find(this.block(inc), key);
      if (found) return found;
    }
    return undefined;
  }

  keysOf(map: RawMap): string[] {
    return [...map.entries.keys(), ...map.includes.flatMap((inc) => this.keysOf(this.block(inc)))];
  }

  node(entry: RawEntry): KeyNode {
    switch (entry.kind) {
      case 'value': case 'open': return { kind: entry.kind, child: () => undefined, keys: () => [] };
      case 'map': return this.mapNode('map', entry.map);
      case 'ref': return this.mapNode('map', this.block(entry.block));
      case 'list': return this.mapNode('list', this.block(entry.block));
      case 'dict': {
        const item = this.mapNode('map', this.block(entry.block));
        return { kind: 'dict', child: () => item, keys: () => [] };
      }
    }
  }

  mapNode(kind: 'map' | 'list', map: RawMap): KeyNode {
    return {
      kind,
      child: (key) => {
        const e = this.find(map, key);
        return e ? this.node(e) : undefined;
      },
      keys: () => this.keysOf(map),
    };
  }
}

let registry: Registry | undefined;

function get(): Registry {
  registry ??= new Registry(parseBlocks(LOKI_KEYS));
  return registry;
}

/** The root of Loki's config file keys. */
export function lokiRoot(): KeyNode {
  return lokiBlock('root');
}

/** A named block of the listing (`limits_config`, `runtime_file`, ...). */
export function lokiBlock(name: string): KeyNode {
  const r = get();
  return r.mapNode('map', r.block(name));
}

/** References to blocks that do not exist (a typo in loki-keys.ts); used by tests. */
export function danglingBlockRefs(): string[] {
  const blocks = get().blocks;
  const missing: string[] = [];
  const walk = (m: RawMap, at: string): void => {
    for (const inc of m.includes) if (!blocks.has(inc)) missing.push(`${at}@${inc}`);
    for (const [k, e] of m.entries) {
      if (e.kind === 'map') walk(e.map, `${at}.${k}`);
      if ((e.kind === 'ref' || e.kind === 'list' || e.kind === 'dict') && !blocks.has(e.block)) missing.push(`${at}.${k}@${e.block}`);
    }
  };
  for (const [name, map] of blocks) walk(map, name);
  return missing;
}

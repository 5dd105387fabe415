/**
 * Reads a YAML config document into a config object: keys Skald implements are converted
 * and stored, Loki keys it does not implement are noted, anything else is an error.
 * Every problem is collected, so a user sees them all at once.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair } from 'yaml';
import { ConfigError, ValueError } from './errors.js';
import type { KeyNode } from './registry.js';
import { defaultsOf, type AnySchema, type AnySpec, type DictSpec } from './spec.js';
import { closest } from './suggest.js';
import { fromYaml } from './values.js';

export interface ApplyResult {
  /** Paths of Loki keys present in the file that Skald does not implement, in file order. */
  readonly unimplemented: string[];
}

type Target = Record<string, unknown>;

/** `<<` merge keys: a plain string, or the symbol the parser uses when merging is on. */
function isMergeKey(key: unknown): boolean {
  if (!isScalar(key)) return false;
  const v = key.value;
  return v === '<<' || (typeof v === 'symbol' && v.description === '<<');
}

/** Where a value sits: its path and the key node (for the line number). */
interface At {
  readonly path: string;
  readonly keyNode: Node;
}

function isNull(node: Node | null): boolean {
  return node === null || (isScalar(node) && node.value === null);
}

interface Problem {
  readonly message: string;
  readonly path?: string;
  readonly line?: number;
}

class Walker {
  readonly problems: Problem[] = [];
  readonly unimplemented: string[] = [];

  constructor(private readonly doc: Document, private readonly lines: LineCounter) {}

  problem(message: string, path: string, node: Node | null | undefined): void {
    this.problems.push({ message, path, line: this.line(node) });
  }

  line(node: Node | null | undefined): number | undefined {
    const offset = node?.range?.[0];
    return offset === undefined ? undefined : this.lines.linePos(offset).line;
  }

  at(path: string, node: Node | null | undefined): string {
    const line = this.line(node);
    return line === undefined ? `"${path}"` : `"${path}" (line ${line})`;
  }

  resolve(node: unknown): Node | null {
    if (isAlias(node)) return (node.resolve(this.doc) as Node | undefined) ?? null;
    return (node as Node | null | undefined) ?? null;
  }

  /** The pairs of a mapping, with `<<` merge keys expanded first so explicit keys win. */
  pairs(map: Node): Pair[] {
    if (!isMap(map)) return [];
    const out: Pair[] = [];
    for (const pair of map.items) {
      if (isMergeKey(pair.key)) {
        const src = this.resolve(pair.value);
        const sources = isSeq(src) ? src.items.map((i) => this.resolve(i)) : [src];
        for (const s of sources) if (s) out.push(...this.pairs(s));
        continue;
      }
      out.push(pair);
    }
    return out;
  }

  plain(node: Node | null): unknown {
    if (node === null) return null;
    if (isScalar(node)) return node.value;
    if (isSeq(node)) return node.items.map((i) => this.plain(this.resolve(i)));
    if (isMap(node)) return {};
    return undefined;
  }

  map(node: Node, schema: AnySchema | undefined, reg: KeyNode | undefined, path: string, target: Target | undefined): void {
    for (const pair of this.pairs(node)) {
      const keyNode = this.resolve(pair.key);
      if (!isScalar(keyNode) || keyNode.value === null || typeof keyNode.value === 'object') {
        this.problem(`keys must be plain strings, found a complex key under ${path === '' ? 'the top level' : `"${path}"`} (line ${this.line(keyNode) ?? '?'})`, path, keyNode);
        continue;
      }
      const key = String(keyNode.value);
      const p = path === '' ? key : `${path}.${key}`;
      const value = this.resolve(pair.value);
      const spec = schema && Object.hasOwn(schema, key) ? schema[key] : undefined;
      const regChild = reg?.child(key);
      if (spec) this.spec(spec, value, regChild, p, keyNode, target, key);
      else if (regChild) this.notImplemented(regChild, value, p, keyNode);
      else this.unknown(p, key, keyNode, schema, reg);
    }
  }

  unknown(path: string, key: string, keyNode: Node, schema: AnySchema | undefined, reg: KeyNode | undefined): void {
    const candidates = new Set([...Object.keys(schema ?? {}), ...(reg?.keys() ?? [])]);
    const hint = closest(key, candidates);
    const base = path.slice(0, path.length - key.length);
    this.problem(`unknown config key ${this.at(path, keyNode)}${hint ? `; did you mean "${base}${hint}"?` : ''}`, path, keyNode);
  }

  spec(spec: AnySpec, value: Node | null, reg: KeyNode | undefined, path: string, keyNode: Node, target: Target | undefined, key: string): void {
    const at = { path, keyNode };
    switch (spec.kind) {
      case 'leaf': return this.leaf(spec, value, at, target, key);
      case 'group': return this.group(spec, value, reg, at, target, key);
      case 'dict': return this.dict(spec, value, reg, at, target, key);
      case 'list': return this.list(spec, value, reg, at, target, key);
    }
  }

  leaf(spec: Extract<AnySpec, { kind: 'leaf' }>, value: Node | null, at: At, target: Target | undefined, key: string): void {
    try {
      const v = fromYaml(spec.type, this.plain(value));
      if (target) target[key] = v;
    } catch (err) {
      if (!(err instanceof ValueError)) throw err;
      this.invalid(at, err.message);
    }
  }

  group(spec: Extract<AnySpec, { kind: 'group' }>, value: Node | null, reg: KeyNode | undefined, at: At, target: Target | undefined, key: string): void {
    if (isNull(value)) {
      if (spec.nullable && target) target[key] = null;
      return;
    }
    if (!isMap(value)) return this.invalid(at, 'expected a mapping');
    let child = target?.[key] as Target | null | undefined;
    if (target && (child === null || child === undefined)) { child = defaultsOf(spec.fields); target[key] = child; }
    this.map(value, spec.fields, reg, at.path, child ?? undefined);
  }

  dict(spec: DictSpec, value: Node | null, reg: KeyNode | undefined, at: At, target: Target | undefined, key: string): void {
    if (isNull(value)) return;
    if (!isMap(value)) return this.invalid(at, 'expected a mapping');
    const dict = (target?.[key] as Record<string, Target> | undefined) ?? {};
    if (target) target[key] = dict;
    for (const pair of this.pairs(value)) {
      const nameNode = this.resolve(pair.key);
      if (!isScalar(nameNode)) continue;
      const name = String(nameNode.value);
      const item = this.resolve(pair.value);
      dict[name] ??= spec.base();
      if (isNull(item)) continue;
      const p = `${at.path}.${name}`;
      if (!isMap(item)) { this.invalid({ path: p, keyNode: nameNode }, 'expected a mapping'); continue; }
      this.map(item, spec.item, reg?.child(name), p, dict[name]);
    }
  }

  list(spec: Extract<AnySpec, { kind: 'list' }>, value: Node | null, reg: KeyNode | undefined, at: At, target: Target | undefined, key: string): void {
    if (isNull(value)) { if (target) target[key] = []; return; }
    if (!isSeq(value)) return this.invalid(at, 'expected a list');
    const items: Target[] = [];
    value.items.forEach((raw, i) => {
      const item = this.resolve(raw);
      const p = `${at.path}[${i}]`;
      if (!item || !isMap(item)) { this.invalid({ path: p, keyNode: item ?? at.keyNode }, 'expected a mapping'); return; }
      const obj = defaultsOf(spec.item);
      this.map(item, spec.item, reg, p, obj);
      items.push(obj);
    });
    if (target) target[key] = items;
  }

  invalid(at: At, why: string): void {
    this.problem(`invalid value for ${this.at(at.path, at.keyNode)}: ${why}`, at.path, at.keyNode);
  }

  notImplemented(reg: KeyNode, value: Node | null, path: string, keyNode: Node): void {
    if (reg.kind === 'value' || reg.kind === 'open' || isNull(value)) { this.unimplemented.push(path); return; }
    if (reg.kind === 'map' || reg.kind === 'dict') {
      if (isMap(value)) this.map(value, undefined, reg, path, undefined);
      else this.invalid({ path, keyNode }, 'expected a mapping');
      return;
    }
    if (!isSeq(value)) return this.invalid({ path, keyNode }, 'expected a list');
    value.items.forEach((raw, i) => {
      const item = this.resolve(raw);
      if (item && isMap(item)) this.map(item, undefined, reg, `${path}[${i}]`, undefined);
      else this.unimplemented.push(`${path}[${i}]`);
    });
  }
}

/**
 * Applies YAML `text` onto `target` (already holding defaults) following `schema`;
 * `reg` lists the Loki keys accepted without being implemented. `what` names the source in errors.
 */
export function applyYaml(text: string, target: Target, schema: AnySchema, reg: KeyNode, what: string): ApplyResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, merge: true, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const err = doc.errors[0];
    const line = err.linePos?.[0]?.line ?? lines.linePos(err.pos[0]).line;
    const where = line === undefined ? '' : ` (line ${line})`;
    throw new ConfigError(`${what}: invalid YAML${where}: ${err.message.split('\n')[0]}`, { line });
  }
  const walker = new Walker(doc, lines);
  const root = walker.resolve(doc.contents);
  if (!isNull(root)) {
    if (!root || !isMap(root)) throw new ConfigError(`${what}: expected a YAML mapping at the top level`);
    walker.map(root, schema, reg, '', target);
  }
  const problems = walker.problems;
  if (problems.length > 0) {
    const texts = problems.map((p) => p.message);
    const message = texts.length === 1 ? `${what}: ${texts[0]}` : `${what}: ${texts.length} problems:\n  ${texts.join('\n  ')}`;
    throw new ConfigError(message, { problems: texts, path: problems[0].path, line: problems[0].line });
  }
  return { unimplemented: walker.unimplemented };
}

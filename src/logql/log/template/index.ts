/** Go text/template for line_format / label_format: compile once, execute per entry. */
import { execute, type ExecContext, type FuncDef, type Program } from './exec.js';
import { BUILTINS } from './funcs-builtin.js';
import { LOKI_FUNCS } from './funcs-loki.js';
import type { Node } from './nodes.js';
import { parseTemplate } from './parser.js';
import type { StringMap } from './values.js';

export { ExecError, type ExecContext } from './exec.js';
export { TemplateParseError } from './parser.js';
export type { StringMap };

const FUNCS: ReadonlyMap<string, FuncDef> = new Map([...BUILTINS, ...LOKI_FUNCS]);
const FUNC_NAMES: ReadonlySet<string> = new Set(FUNCS.keys());

export class Template {
  private readonly prog: Program;
  /** Field names the template reads (Loki's listNodeFields), for parser hints. */
  readonly fields: readonly string[];
  /** `{{.name}}` alone: the value can be copied without executing. */
  readonly simpleKey: string | undefined;
  /**
   * Text and `{{.name}}` actions only (the common `line_format`): on a map of strings
   * with missingkey=zero this cannot fail, so it is a concatenation.
   */
  private readonly parts: readonly (string | { readonly field: string })[] | undefined;

  constructor(name: string, text: string) {
    const { tree, defined } = parseTemplate(name, text, FUNC_NAMES);
    this.prog = { tree, defined, funcs: FUNCS };
    const fields: string[] = [];
    collectFields(tree.root, fields);
    this.fields = [...new Set(fields)];
    const nodes = tree.root.nodes;
    let simple: string | undefined;
    if (nodes.length === 1 && nodes[0].type === 'action') {
      const cmds = nodes[0].pipe.cmds;
      if (nodes[0].pipe.decl.length === 0 && cmds.length === 1 && cmds[0].args.length === 1) {
        const a = cmds[0].args[0];
        if (a.type === 'field' && a.ident.length === 1) simple = a.ident[0];
      }
    }
    this.simpleKey = simple;
    const parts: (string | { field: string })[] = [];
    for (const n of nodes) {
      if (n.type === 'text') {
        parts.push(n.text);
        continue;
      }
      if (n.type === 'action' && n.pipe.decl.length === 0 && n.pipe.cmds.length === 1 && n.pipe.cmds[0].args.length === 1) {
        const a = n.pipe.cmds[0].args[0];
        if (a.type === 'field' && a.ident.length === 1) {
          parts.push({ field: a.ident[0] });
          continue;
        }
      }
      parts.length = 0;
      break;
    }
    this.parts = parts.length > 0 && defined.size === 0 ? parts : undefined;
  }

  /** Runs the template; throws ExecError with Go's message. */
  execute(data: StringMap, ctx: ExecContext): string {
    const parts = this.parts;
    if (parts !== undefined) {
      let out = '';
      for (let i = 0; i < parts.length; i++) {
        const p = parts[i];
        out += typeof p === 'string' ? p : (data.get(p.field) ?? '');
      }
      return out;
    }
    return execute(this.prog, data, ctx);
  }
}

function collectFields(n: Node, out: string[]): void {
  switch (n.type) {
    case 'list': for (const c of n.nodes) collectFields(c, out); return;
    case 'action': collectFields(n.pipe, out); return;
    case 'pipe': for (const c of n.cmds) collectFields(c, out); return;
    case 'command': for (const a of n.args) collectFields(a, out); return;
    case 'if': case 'with': case 'range':
      collectFields(n.pipe, out);
      collectFields(n.list, out);
      if (n.elseList !== undefined) collectFields(n.elseList, out);
      return;
    case 'field': out.push(...n.ident); return;
    default: return;
  }
}

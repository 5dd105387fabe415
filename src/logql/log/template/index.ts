/** Go text/template for line_format / label_format: compile once, execute per entry. */
import { execute, type ExecContext, type FuncDef, type Program } from './exec.js';
import { BUILTINS } from './funcs-builtin.js';
import { LOKI_FUNCS } from './funcs-loki.js';
import type { Node } from './nodes.js';
import { parseTemplate } from './parser.js';
import type { GoValue } from './values.js';

export { ExecError, type ExecContext } from './exec.js';
export { TemplateParseError } from './parser.js';
export type { StringMap } from './values.js';

const FUNCS: ReadonlyMap<string, FuncDef> = new Map([...BUILTINS, ...LOKI_FUNCS]);
const FUNC_NAMES: ReadonlySet<string> = new Set(FUNCS.keys());

export class Template {
  private readonly prog: Program;
  /** Field names the template reads (Loki's listNodeFields), for parser hints. */
  readonly fields: readonly string[];
  /** `{{.name}}` alone: the value can be copied without executing. */
  readonly simpleKey: string | undefined;

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
  }

  /** Runs the template; throws ExecError with Go's message. */
  execute(data: GoValue, ctx: ExecContext): string {
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

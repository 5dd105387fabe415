/**
 * text/template/parse's parser building the tree the executor walks. Templates reach it
 * already validated (syntax/template-check), so errors here are a safety net with Go's
 * texts, not the source of Loki's parse errors.
 */
import { NumError, parseFloat64 } from '../../syntax/index.js';
import { It, lexTemplate, quoteGo, type Item } from './lexer.js';
import type {
  ArgNode, BranchNode, CommandNode, ListNode, Node, NumberNode, PipeNode, TemplateNode, VariableNode,
} from './nodes.js';
import { charConstant, parseInt64, parseUint } from './strconv.js';
import { unquoteGo } from './unquote.js';

export class TemplateParseError extends Error {}

export interface Tree {
  readonly name: string;
  readonly text: string;
  readonly root: ListNode;
}

interface ControlEnd {
  readonly kind: 'end' | 'else';
  readonly pos: number;
}

class Parser {
  private i = 0;
  private vars: string[] = ['$'];
  readonly defined = new Map<string, Tree>();

  constructor(private readonly items: Item[], private readonly name: string, private readonly text: string, private readonly funcs: ReadonlySet<string>) {}

  private peek(): Item {
    return this.items[Math.min(this.i, this.items.length - 1)];
  }

  private next(): Item {
    return this.items[Math.min(this.i++, this.items.length - 1)];
  }

  private backup(): void {
    this.i--;
  }

  private nextNonSpace(): Item {
    let t = this.next();
    while (t.typ === It.Space) t = this.next();
    return t;
  }

  private peekNonSpace(): Item {
    const save = this.i;
    const t = this.nextNonSpace();
    this.i = save;
    return t;
  }

  private fail(msg: string, line?: number): never {
    throw new TemplateParseError(`template: ${this.name}:${line ?? this.peek().line}: ${msg}`);
  }

  private unexpected(t: Item, context: string): never {
    if (t.typ === It.Error) this.fail(t.val, t.line);
    this.fail(`unexpected ${t.typ === It.EOF ? 'EOF' : quoteGo(t.val)} in ${context}`, t.line);
  }

  parse(): ListNode {
    const root: ListNode = { type: 'list', pos: this.peek().pos, nodes: [] };
    while (this.peek().typ !== It.EOF) {
      if (this.peek().typ === It.LeftDelim) {
        const save = this.i;
        this.next();
        if (this.nextNonSpace().typ === It.Define) {
          this.parseDefinition();
          continue;
        }
        this.i = save;
      }
      const n = this.textOrAction();
      if (n === null) continue;
      if ('kind' in n) this.fail(`unexpected {{${n.kind}}}`);
      root.nodes.push(n);
    }
    return root;
  }

  private parseDefinition(): void {
    const t = this.nextNonSpace();
    if (t.typ !== It.String && t.typ !== It.RawString) this.unexpected(t, 'define clause');
    const name = unquoteGo(t.val);
    const r = this.nextNonSpace();
    if (r.typ !== It.RightDelim) this.unexpected(r, 'define clause');
    const saved = this.vars;
    this.vars = ['$'];
    const { list, end } = this.itemList();
    if (end.kind !== 'end') this.fail(`unexpected {{${end.kind}}} in define clause`);
    this.vars = saved;
    this.defined.set(name, { name, text: this.text, root: list });
  }

  private itemList(): { list: ListNode; end: ControlEnd } {
    const list: ListNode = { type: 'list', pos: this.peekNonSpace().pos, nodes: [] };
    while (this.peekNonSpace().typ !== It.EOF) {
      const n = this.textOrAction();
      if (n !== null && 'kind' in n) return { list, end: n };
      if (n !== null) list.nodes.push(n);
    }
    this.fail('unexpected EOF');
  }

  private textOrAction(): Node | ControlEnd | null {
    const t = this.nextNonSpace();
    switch (t.typ) {
      case It.Text: return { type: 'text', pos: t.pos, text: t.val };
      case It.LeftDelim: return this.action();
      case It.Comment: return null;
      default: this.unexpected(t, 'input');
    }
  }

  private action(): Node | ControlEnd {
    const t = this.nextNonSpace();
    switch (t.typ) {
      case It.Block: return this.blockControl();
      case It.Break: case It.Continue: {
        const r = this.nextNonSpace();
        if (r.typ !== It.RightDelim) this.unexpected(r, t.typ === It.Break ? '{{break}}' : '{{continue}}');
        return { type: t.typ === It.Break ? 'break' : 'continue', pos: t.pos };
      }
      case It.Else: {
        const p = this.peekNonSpace();
        if (p.typ === It.If || p.typ === It.With) return { kind: 'else', pos: p.pos };
        const r = this.nextNonSpace();
        if (r.typ !== It.RightDelim) this.unexpected(r, 'else');
        return { kind: 'else', pos: r.pos };
      }
      case It.End: {
        const r = this.nextNonSpace();
        if (r.typ !== It.RightDelim) this.unexpected(r, 'end');
        return { kind: 'end', pos: r.pos };
      }
      case It.If: return this.control('if');
      case It.Range: return this.control('range');
      case It.With: return this.control('with');
      case It.Template: return this.templateControl();
    }
    this.backup();
    const tok = this.peek();
    return { type: 'action', pos: tok.pos, pipe: this.pipeline('command', It.RightDelim) };
  }

  private control(context: 'if' | 'range' | 'with'): BranchNode {
    const saved = this.vars.length;
    const pipe = this.pipeline(context, It.RightDelim);
    const { list, end } = this.itemList();
    let elseList: ListNode | undefined;
    if (end.kind === 'else') {
      const p = this.peekNonSpace();
      if ((context === 'if' && p.typ === It.If) || (context === 'with' && p.typ === It.With)) {
        this.nextNonSpace();
        elseList = { type: 'list', pos: end.pos, nodes: [this.control(context)] };
      } else {
        const r = this.itemList();
        if (r.end.kind !== 'end') this.fail(`expected end; found {{${r.end.kind}}}`);
        elseList = r.list;
      }
    }
    this.vars.length = saved;
    return { type: context, pos: pipe.pos, pipe, list, elseList };
  }

  private blockControl(): TemplateNode {
    const t = this.nextNonSpace();
    if (t.typ !== It.String && t.typ !== It.RawString) this.unexpected(t, 'block clause');
    const name = unquoteGo(t.val);
    const pipe = this.pipeline('block clause', It.RightDelim);
    const saved = this.vars;
    this.vars = ['$'];
    const { list, end } = this.itemList();
    if (end.kind !== 'end') this.fail(`unexpected {{${end.kind}}} in block clause`);
    this.vars = saved;
    this.defined.set(name, { name, text: this.text, root: list });
    return { type: 'template', pos: t.pos, name, pipe };
  }

  private templateControl(): TemplateNode {
    const t = this.nextNonSpace();
    if (t.typ !== It.String && t.typ !== It.RawString) this.unexpected(t, 'template clause');
    const name = unquoteGo(t.val);
    let pipe: PipeNode | undefined;
    if (this.nextNonSpace().typ !== It.RightDelim) {
      this.backup();
      pipe = this.pipeline('template clause', It.RightDelim);
    }
    return { type: 'template', pos: t.pos, name, pipe };
  }

  private pipeline(context: string, end: It): PipeNode {
    const first = this.peekNonSpace();
    const pipe: PipeNode = { type: 'pipe', pos: first.pos, isAssign: false, decl: [], cmds: [] };
    for (;;) {
      const v = this.peekNonSpace();
      if (v.typ !== It.Variable) break;
      const save = this.i;
      this.nextNonSpace();
      const afterVar = this.peek();
      const n = this.peekNonSpace();
      if (n.typ === It.Assign || n.typ === It.Declare) {
        pipe.isAssign = n.typ === It.Assign;
        this.nextNonSpace();
        pipe.decl.push(this.variable(v.pos, v.val));
        this.vars.push(v.val);
        break;
      }
      if (n.typ === It.Char && n.val === ',') {
        this.nextNonSpace();
        pipe.decl.push(this.variable(v.pos, v.val));
        this.vars.push(v.val);
        if (context === 'range' && pipe.decl.length < 2) {
          const p = this.peekNonSpace().typ;
          if (p === It.Variable || p === It.RightDelim || p === It.RightParen) continue;
          this.fail('range can only initialize variables');
        }
        this.fail(`too many declarations in ${context}`);
      }
      void afterVar;
      this.i = save;
      break;
    }
    for (;;) {
      const t = this.nextNonSpace();
      if (t.typ === end) {
        if (pipe.cmds.length === 0) this.fail(`missing value for ${context}`);
        for (let k = 1; k < pipe.cmds.length; k++) {
          const a = pipe.cmds[k].args[0].type;
          if (a === 'bool' || a === 'dot' || a === 'nil' || a === 'number' || a === 'string') {
            this.fail(`non executable command in pipeline stage ${k + 1}`);
          }
        }
        return pipe;
      }
      switch (t.typ) {
        case It.Bool: case It.CharConstant: case It.Complex: case It.Dot: case It.Field: case It.Identifier:
        case It.Number: case It.Nil: case It.RawString: case It.String: case It.Variable: case It.LeftParen:
          this.backup();
          pipe.cmds.push(this.command());
          break;
        default:
          this.unexpected(t, context);
      }
    }
  }

  private command(): CommandNode {
    const cmd: CommandNode = { type: 'command', pos: this.peekNonSpace().pos, args: [] };
    for (;;) {
      this.peekNonSpace();
      const op = this.operand();
      if (op !== undefined) cmd.args.push(op);
      const t = this.next();
      if (t.typ === It.Space) continue;
      if (t.typ === It.Error) this.fail(t.val, t.line);
      if (t.typ === It.RightDelim || t.typ === It.RightParen) this.backup();
      else if (t.typ !== It.Pipe) this.fail(`unexpected ${quoteGo(t.val)} in operand`, t.line);
      break;
    }
    if (cmd.args.length === 0) this.fail('empty command');
    return cmd;
  }

  private operand(): ArgNode | undefined {
    const node = this.term();
    if (node === undefined) return undefined;
    if (this.peek().typ !== It.Field) return node;
    const pos = this.peek().pos;
    const fields: string[] = [];
    while (this.peek().typ === It.Field) fields.push(this.next().val.slice(1));
    switch (node.type) {
      case 'field': return { type: 'field', pos, ident: [...node.ident, ...fields] };
      case 'variable': return { type: 'variable', pos, ident: [...node.ident, ...fields] };
      case 'bool': case 'string': case 'number': case 'nil': case 'dot':
        this.fail('unexpected . after term');
      // falls through (never)
      default:
        return { type: 'chain', pos, node, field: fields };
    }
  }

  private variable(pos: number, text: string): VariableNode {
    return { type: 'variable', pos, ident: text.split('.') };
  }

  private term(): ArgNode | undefined {
    const t = this.nextNonSpace();
    switch (t.typ) {
      case It.Error: this.fail(t.val, t.line);
      // falls through (never)
      case It.Identifier:
        if (!this.funcs.has(t.val)) this.fail(`function ${quoteGo(t.val)} not defined`, t.line);
        return { type: 'identifier', pos: t.pos, ident: t.val };
      case It.Dot: return { type: 'dot', pos: t.pos };
      case It.Nil: return { type: 'nil', pos: t.pos };
      case It.Variable: {
        const v = this.variable(t.pos, t.val);
        if (!this.vars.includes(v.ident[0])) this.fail(`undefined variable ${quoteGo(v.ident[0])}`, t.line);
        return v;
      }
      case It.Field: return { type: 'field', pos: t.pos, ident: t.val.slice(1).split('.') };
      case It.Bool: return { type: 'bool', pos: t.pos, value: t.val === 'true' };
      case It.CharConstant: case It.Complex: case It.Number: return this.number(t);
      case It.LeftParen: return this.pipeline('parenthesized pipeline', It.RightParen);
      case It.String: case It.RawString: return { type: 'string', pos: t.pos, quoted: t.val, text: unquoteGo(t.val) };
    }
    this.backup();
    return undefined;
  }

  private number(t: Item): NumberNode {
    const base = { type: 'number' as const, pos: t.pos, text: t.val };
    if (t.typ === It.CharConstant) {
      const r = charConstant(t.val);
      if (r === undefined) this.fail(`malformed character constant: ${t.val}`, t.line);
      return { ...base, isInt: true, isUint: true, isFloat: true, isComplex: false, int64: BigInt(r), uint64: BigInt(r), float64: r };
    }
    if (t.typ === It.Complex || t.val.endsWith('i')) {
      return { ...base, isInt: false, isUint: false, isFloat: false, isComplex: true, int64: 0n, uint64: 0n, float64: 0 };
    }
    const u = parseUint(t.val, 0);
    const i = parseInt64(t.val, 0);
    let isInt = i !== undefined;
    let isUint = u !== undefined;
    let int64 = i ?? 0n;
    let uint64 = u ?? 0n;
    if (isInt && int64 === 0n) {
      isUint = true;
      uint64 = u ?? 0n;
    }
    let isFloat = false;
    let float64 = 0;
    if (isInt) {
      isFloat = true;
      float64 = Number(int64);
    } else if (isUint) {
      isFloat = true;
      float64 = Number(uint64);
    } else {
      try {
        float64 = parseFloat64(t.val);
        if (!/[.eEpP]/.test(t.val)) this.fail(`integer overflow: ${quoteGo(t.val)}`, t.line);
        isFloat = true;
        if (Number.isInteger(float64) && Math.abs(float64) < 2 ** 63) {
          isInt = true;
          int64 = BigInt(float64);
        }
        if (Number.isInteger(float64) && float64 >= 0 && float64 < 2 ** 64) {
          isUint = true;
          uint64 = BigInt(float64);
        }
      } catch (err) {
        if (!(err instanceof NumError)) throw err;
      }
    }
    if (!isInt && !isUint && !isFloat) this.fail(`illegal number syntax: ${quoteGo(t.val)}`, t.line);
    return { ...base, isInt, isUint, isFloat, isComplex: false, int64, uint64, float64 };
  }
}

/** Parses a template; named templates from define/block are returned with it. */
export function parseTemplate(name: string, text: string, funcs: ReadonlySet<string>): { tree: Tree; defined: Map<string, Tree> } {
  const p = new Parser(lexTemplate(text), name, text, funcs);
  const root = p.parse();
  return { tree: { name, text, root }, defined: p.defined };
}

/**
 * The executor of Go's text/template (exec.go) over Go-like values. Written here because no
 * npm library reproduces Go's semantics (typed arguments, missingkey=zero, comparison
 * rules, error texts with positions), and Loki's results depend on all of them.
 */
import { goQuote } from '../../syntax/index.js';
import { formatValue } from './fmt.js';
import type { ArgNode, BranchNode, ChainNode, CommandNode, FieldNode, IdentifierNode, Node, NumberNode, PipeNode, TemplateNode, VariableNode } from './nodes.js';
import { nodeString } from './nodes.js';
import type { Tree } from './parser.js';
import { GoInt, isStringMap, isTime, isTrue, typeName, type GoValue } from './values.js';

/** Parameter types of template functions, as far as argument checking needs them. */
export type ParamType = 'string' | 'int' | 'int64' | 'float64' | 'bool' | 'any' | 'value' | 'time';

/** What functions can see of the current entry. */
export interface ExecContext {
  line(): string;
  readonly ts: bigint;
}

export interface FuncDef {
  readonly params: readonly ParamType[];
  /** Element type of a final `...` parameter. */
  readonly variadic?: ParamType;
  readonly builtin?: boolean;
  call(args: GoValue[], ctx: ExecContext): GoValue;
}

/** An error returned (or a panic raised) by a template function. */
export class CallError extends Error {}

/** An execution error, with Go's full text. */
export class ExecError extends Error {}

const MISSING: unique symbol = Symbol('missing');
type Final = GoValue | typeof MISSING;

class BreakSignal {}
class ContinueSignal {}
const BREAK = new BreakSignal();
const CONTINUE = new ContinueSignal();

const TYPE_NAMES: Record<ParamType, string> = {
  string: 'string', int: 'int', int64: 'int64', float64: 'float64', bool: 'bool', any: 'interface {}', value: 'reflect.Value', time: 'time.Time',
};

interface Variable {
  readonly name: string;
  value: GoValue;
}

export interface Program {
  readonly tree: Tree;
  readonly defined: ReadonlyMap<string, Tree>;
  readonly funcs: ReadonlyMap<string, FuncDef>;
}

/** Converts a JS index in the text to Go's "line:col" (bytes). */
function location(tree: Tree, pos: number): string {
  const text = tree.text.slice(0, pos);
  const nl = text.lastIndexOf('\n');
  const col = Buffer.byteLength(nl === -1 ? text : text.slice(nl + 1), 'utf8');
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) line++;
  return `${tree.name}:${line}:${col}`;
}

class State {
  node: Node | undefined;
  vars: Variable[];
  out = '';

  constructor(private tree: Tree, private readonly prog: Program, private readonly ctx: ExecContext, dot: GoValue, private depth = 0) {
    this.vars = [{ name: '$', value: dot }];
  }

  errorf(msg: string): never {
    const name = this.tree.name;
    if (this.node === undefined) throw new ExecError(`template: ${name}: ${msg}`);
    const loc = location(this.prog.tree, this.node.pos);
    throw new ExecError(`template: ${loc}: executing ${goQuote(name)} at <${nodeString(this.node)}>: ${msg}`);
  }

  private mark(): number {
    return this.vars.length;
  }

  private pop(mark: number): void {
    this.vars.length = mark;
  }

  private setVar(name: string, value: GoValue): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i].name === name) {
        this.vars[i].value = value;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }

  private varValue(name: string): GoValue {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i].name === name) return this.vars[i].value;
    this.errorf(`undefined variable: ${name}`);
  }

  walk(dot: GoValue, node: Node): void {
    this.node = node;
    switch (node.type) {
      case 'action': {
        const val = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, val);
        return;
      }
      case 'if': case 'with': this.walkIfOrWith(dot, node); return;
      case 'list': for (const n of node.nodes) this.walk(dot, n); return;
      case 'range': this.walkRange(dot, node); return;
      case 'template': this.walkTemplate(dot, node); return;
      case 'text': this.out += node.text; return;
      case 'break': throw BREAK;
      case 'continue': throw CONTINUE;
      default: this.errorf(`unknown node: ${nodeString(node)}`);
    }
  }

  private walkIfOrWith(dot: GoValue, node: BranchNode): void {
    const mark = this.mark();
    try {
      const val = this.evalPipeline(dot, node.pipe);
      if (isTrue(val)) this.walk(node.type === 'with' ? val : dot, node.list);
      else if (node.elseList !== undefined) this.walk(dot, node.elseList);
    } finally {
      this.pop(mark);
    }
  }

  private walkRange(dot: GoValue, r: BranchNode): void {
    this.node = r;
    const outer = this.mark();
    try {
      const val = this.evalPipeline(dot, r.pipe);
      const mark = this.mark();
      const decl = r.pipe.decl;
      const one = (index: GoValue, elem: GoValue): void => {
        if (decl.length > 0) {
          if (r.pipe.isAssign) this.setVar(decl[0].ident[0], decl.length > 1 ? index : elem);
          else this.vars[this.vars.length - 1].value = elem;
        }
        if (decl.length > 1) {
          if (r.pipe.isAssign) this.setVar(decl[1].ident[0], elem);
          else this.vars[this.vars.length - 2].value = index;
        }
        try {
          this.walk(elem, r.list);
        } catch (e) {
          if (e !== CONTINUE) throw e;
        } finally {
          this.pop(mark);
        }
      };
      const loop = (body: () => void): void => {
        try {
          body();
        } catch (e) {
          if (e !== BREAK) throw e;
        }
      };
      if (Array.isArray(val)) {
        if (val.length > 0) {
          loop(() => { for (let i = 0; i < val.length; i++) one(GoInt.int(i), val[i]); });
          return;
        }
      } else if (val instanceof Map) {
        if (val.size > 0) {
          const keys = [...val.keys()].sort();
          loop(() => { for (const k of keys) one(k, val.get(k)); });
          return;
        }
      } else if (isStringMap(val)) {
        const keys = val.keys().sort();
        if (keys.length > 0) {
          loop(() => { for (const k of keys) one(k, val.get(k) ?? ''); });
          return;
        }
      } else if (val instanceof GoInt && !val.unsigned) {
        const n = Number(val.v);
        if (n > 0) {
          loop(() => { for (let i = 0; i < n; i++) one(new GoInt(val.type, BigInt(i)), new GoInt(val.type, BigInt(i))); });
          return;
        }
      } else if (val !== undefined && val !== null) {
        this.errorf(`range can't iterate over ${formatValue(val)}`);
      }
      if (r.elseList !== undefined) this.walk(dot, r.elseList);
    } finally {
      this.pop(outer);
    }
  }

  private walkTemplate(dot: GoValue, t: TemplateNode): void {
    this.node = t;
    const tree = this.prog.defined.get(t.name);
    if (tree === undefined) this.errorf(`template ${goQuote(t.name)} not defined`);
    if (this.depth >= 100000) this.errorf('exceeded maximum template depth (100000)');
    const newDot = this.evalPipeline(dot, t.pipe);
    const sub = new State(tree, this.prog, this.ctx, newDot, this.depth + 1);
    sub.walk(newDot, tree.root);
    this.out += sub.out;
  }

  evalPipeline(dot: GoValue, pipe: PipeNode | undefined): GoValue {
    if (pipe === undefined) return undefined;
    this.node = pipe;
    let value: Final = MISSING;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, cmd, value);
      // A nil interface becomes an invalid value, as reflect.ValueOf(v.Interface()) does.
      if (value === null) value = undefined;
    }
    const v = value === MISSING ? undefined : value;
    for (const d of pipe.decl) {
      if (pipe.isAssign) this.setVar(d.ident[0], v);
      else this.vars.push({ name: d.ident[0], value: v });
    }
    return v;
  }

  private notAFunction(args: readonly ArgNode[], final: Final): void {
    if (args.length > 1 || final !== MISSING) this.errorf(`can't give argument to non-function ${nodeString(args[0])}`);
  }

  private evalCommand(dot: GoValue, cmd: CommandNode, final: Final): GoValue {
    const first = cmd.args[0];
    switch (first.type) {
      case 'field': return this.evalFieldNode(dot, first, cmd.args, final);
      case 'chain': return this.evalChainNode(dot, first, cmd.args, final);
      case 'identifier': return this.evalFunction(dot, first, cmd, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case 'variable': return this.evalVariableNode(dot, first, cmd.args, final);
    }
    this.node = first;
    this.notAFunction(cmd.args, final);
    switch (first.type) {
      case 'bool': return first.value;
      case 'dot': return dot;
      case 'nil': this.errorf('nil is not a command');
      // falls through (never)
      case 'number': return this.idealConstant(first);
      case 'string': return first.text;
    }
  }

  private idealConstant(c: NumberNode): GoValue {
    this.node = c;
    if (c.isComplex) this.errorf('complex numbers are not supported');
    const hexInt = c.text.length > 2 && c.text[0] === '0' && (c.text[1] === 'x' || c.text[1] === 'X') && !/[pP]/.test(c.text);
    if (c.isFloat && !hexInt && !c.text.startsWith("'") && /[.eEpP]/.test(c.text)) return c.float64;
    if (c.isInt) return new GoInt('int', c.int64);
    if (c.isUint) this.errorf(`${c.text} overflows int`);
    return undefined;
  }

  private evalFieldNode(dot: GoValue, field: FieldNode, args: readonly ArgNode[], final: Final): GoValue {
    this.node = field;
    return this.evalFieldChain(dot, dot, field, field.ident, args, final);
  }

  private evalChainNode(dot: GoValue, chain: ChainNode, args: readonly ArgNode[], final: Final): GoValue {
    this.node = chain;
    if (chain.node.type === 'nil') this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const pipe = this.evalArg(dot, undefined, chain.node);
    return this.evalFieldChain(dot, pipe, chain, chain.field, args, final);
  }

  private evalVariableNode(dot: GoValue, v: VariableNode, args: readonly ArgNode[], final: Final): GoValue {
    this.node = v;
    const value = this.varValue(v.ident[0]);
    if (v.ident.length === 1) {
      this.notAFunction(args, final);
      return value;
    }
    return this.evalFieldChain(dot, value, v, v.ident.slice(1), args, final);
  }

  private evalFieldChain(dot: GoValue, receiver0: GoValue, node: Node, ident: readonly string[], args: readonly ArgNode[], final: Final): GoValue {
    let receiver = receiver0;
    const n = ident.length;
    for (let i = 0; i < n - 1; i++) receiver = this.evalField(dot, ident[i], node, [], MISSING, receiver);
    return this.evalField(dot, ident[n - 1], node, args, final, receiver);
  }

  private evalFunction(dot: GoValue, node: IdentifierNode, cmd: Node, args: readonly ArgNode[] | undefined, final: Final): GoValue {
    this.node = node;
    const fn = this.prog.funcs.get(node.ident);
    if (fn === undefined) this.errorf(`${goQuote(node.ident)} is not a defined function`);
    return this.evalCall(dot, fn, cmd, node.ident, args, final);
  }

  private evalField(dot: GoValue, fieldName: string, node: Node, args: readonly ArgNode[], final: Final, receiver: GoValue): GoValue {
    if (receiver === undefined) return undefined;
    if (receiver === null) this.errorf(`nil pointer evaluating interface {}.${fieldName}`);
    const hasArgs = args.length > 1 || final !== MISSING;
    if (isTime(receiver)) {
      const m = timeMethod(receiver, fieldName);
      if (m !== undefined) return this.evalCall(dot, m, node, fieldName, args.length > 0 ? args : undefined, final);
      this.errorf(`can't evaluate field ${fieldName} in type time.Time`);
    }
    if (isStringMap(receiver)) {
      if (hasArgs) this.errorf(`${fieldName} is not a method but has arguments`);
      return receiver.get(fieldName) ?? '';
    }
    if (receiver instanceof Map) {
      if (hasArgs) this.errorf(`${fieldName} is not a method but has arguments`);
      const v = receiver.get(fieldName);
      return v === undefined ? null : v;
    }
    this.errorf(`can't evaluate field ${fieldName} in type ${typeName(receiver)}`);
  }

  private evalCall(dot: GoValue, fn: FuncDef, node: Node, name: string, args0: readonly ArgNode[] | undefined, final: Final): GoValue {
    const args = args0 === undefined ? [] : args0.slice(1);
    const numIn = args.length + (final !== MISSING ? 1 : 0);
    let numFixed = args.length;
    if (fn.variadic !== undefined) {
      numFixed = fn.params.length;
      if (numIn < numFixed) this.errorf(`wrong number of args for ${name}: want at least ${numFixed} got ${args.length}`);
    } else if (numIn !== fn.params.length) {
      this.errorf(`wrong number of args for ${name}: want ${fn.params.length} got ${numIn}`);
    }
    if (fn.builtin && (name === 'and' || name === 'or')) {
      let v: GoValue;
      for (const a of args) {
        v = this.evalArg(dot, 'value', a);
        if (isTrue(v) === (name === 'or')) return v;
      }
      if (final !== MISSING) v = this.validateType(final, 'value');
      return v;
    }
    const argv: GoValue[] = new Array<GoValue>(numIn);
    let i = 0;
    for (; i < numFixed && i < args.length; i++) argv[i] = this.evalArg(dot, fn.params[i], args[i]);
    if (fn.variadic !== undefined) for (; i < args.length; i++) argv[i] = this.evalArg(dot, fn.variadic, args[i]);
    if (final !== MISSING) {
      let t: ParamType;
      if (fn.variadic !== undefined) t = numIn - 1 < numFixed ? fn.params[numIn - 1] : fn.variadic;
      else t = fn.params[fn.params.length - 1];
      argv[i] = this.validateType(final, t);
    }
    try {
      return fn.call(argv, this.ctx);
    } catch (e) {
      if (!(e instanceof CallError)) throw e;
      this.node = node;
      this.errorf(`error calling ${name}: ${e.message}`);
    }
  }

  private validateType(value: GoValue, typ: ParamType | undefined): GoValue {
    if (value === undefined) {
      if (typ === undefined || typ === 'value') return undefined;
      if (typ === 'any') return null;
      this.errorf(`invalid value; expected ${TYPE_NAMES[typ]}`);
    }
    if (typ === undefined || typ === 'value' || typ === 'any') return value;
    let ok: boolean;
    switch (typ) {
      case 'string': ok = typeof value === 'string'; break;
      case 'int': ok = value instanceof GoInt && value.type === 'int'; break;
      case 'int64': ok = value instanceof GoInt && value.type === 'int64'; break;
      case 'float64': ok = typeof value === 'number'; break;
      case 'bool': ok = typeof value === 'boolean'; break;
      case 'time': ok = isTime(value); break;
    }
    if (!ok) this.errorf(`wrong type for value; expected ${TYPE_NAMES[typ]}; got ${typeName(value)}`);
    return value;
  }

  private evalArg(dot: GoValue, typ: ParamType | undefined, n: ArgNode): GoValue {
    this.node = n;
    switch (n.type) {
      case 'dot': return this.validateType(dot, typ);
      case 'nil':
        if (typ === 'any') return null;
        if (typ === 'value' || typ === undefined) return undefined;
        this.errorf(`cannot assign nil to ${TYPE_NAMES[typ]}`);
      // falls through (never)
      case 'field': return this.validateType(this.evalFieldNode(dot, n, [n], MISSING), typ);
      case 'variable': return this.validateType(this.evalVariableNode(dot, n, [], MISSING), typ);
      case 'pipe': return this.validateType(this.evalPipeline(dot, n), typ);
      case 'identifier': return this.validateType(this.evalFunction(dot, n, n, undefined, MISSING), typ);
      case 'chain': return this.validateType(this.evalChainNode(dot, n, [], MISSING), typ);
    }
    switch (typ) {
      case 'bool':
        if (n.type === 'bool') return n.value;
        this.errorf(`expected bool; found ${nodeString(n)}`);
      // falls through (never)
      case 'float64':
        if (n.type === 'number' && n.isFloat) return n.float64;
        this.errorf(`expected float; found ${nodeString(n)}`);
      // falls through (never)
      case 'int': case 'int64':
        if (n.type === 'number' && n.isInt) return new GoInt(typ, n.int64);
        this.errorf(`expected integer; found ${nodeString(n)}`);
      // falls through (never)
      case 'string':
        if (n.type === 'string') return n.text;
        this.errorf(`expected string; found ${nodeString(n)}`);
      // falls through (never)
      case 'any': case 'value': case undefined:
        return this.evalEmptyInterface(dot, n);
      case 'time':
        this.errorf(`can't handle ${nodeString(n)} for arg of type time.Time`);
    }
  }

  private evalEmptyInterface(dot: GoValue, n: ArgNode): GoValue {
    this.node = n;
    switch (n.type) {
      case 'bool': return n.value;
      case 'number': return this.idealConstant(n);
      case 'string': return n.text;
      default: this.errorf(`can't handle assignment of ${nodeString(n)} to empty interface argument`);
    }
  }

  private printValue(n: Node, v: GoValue): void {
    this.node = n;
    this.out += v === undefined ? '<no value>' : formatValue(v);
  }
}

/** Methods of time.Time reachable as fields (`{{ now.Unix }}`). */
function timeMethod(t: import('./gotime.js').GoTime, name: string): FuncDef | undefined {
  const m = (params: ParamType[], call: (args: GoValue[]) => GoValue): FuncDef => ({ params, call });
  switch (name) {
    case 'Unix': return m([], () => GoInt.int64(t.unix()));
    case 'UnixMilli': return m([], () => GoInt.int64(t.unixMilli()));
    case 'UnixMicro': return m([], () => GoInt.int64(t.unixNano() / 1000n));
    case 'UnixNano': return m([], () => GoInt.int64(t.unixNano()));
    case 'String': return m([], () => t.toString());
    case 'Format': return m(['string'], (a) => t.format(a[0] as string));
    case 'IsZero': return m([], () => t.sec === -62135596800 && t.nsec === 0);
    case 'Year': return m([], () => GoInt.int(Number(t.format('2006'))));
    case 'Day': return m([], () => GoInt.int(Number(t.format('2'))));
    case 'Hour': return m([], () => GoInt.int(Number(t.format('15'))));
    case 'Minute': return m([], () => GoInt.int(Number(t.format('4'))));
    case 'Second': return m([], () => GoInt.int(Number(t.format('5'))));
    case 'Nanosecond': return m([], () => GoInt.int(t.nsec));
    case 'YearDay': return m([], () => GoInt.int(Number(t.format('002'))));
    case 'Month': return m([], () => t.format('January'));
    case 'Weekday': return m([], () => t.format('Monday'));
    default: return undefined;
  }
}

/** Runs a program on data; throws ExecError with Go's text. */
export function execute(prog: Program, data: GoValue, ctx: ExecContext): string {
  const s = new State(prog.tree, prog, ctx, data);
  try {
    s.walk(data, prog.tree.root);
  } catch (e) {
    if (e === BREAK || e === CONTINUE) return s.out;
    throw e;
  }
  return s.out;
}

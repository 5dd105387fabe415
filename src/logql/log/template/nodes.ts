/** The parse tree of text/template/parse, with Go's String() forms (used in error contexts). */
import { goQuote } from '../../syntax/index.js';

export interface TextNode { readonly type: 'text'; readonly pos: number; readonly text: string }
export interface ListNode { readonly type: 'list'; readonly pos: number; readonly nodes: Node[] }
export interface ActionNode { readonly type: 'action'; readonly pos: number; readonly pipe: PipeNode }
export interface BranchNode {
  readonly type: 'if' | 'range' | 'with';
  readonly pos: number;
  readonly pipe: PipeNode;
  readonly list: ListNode;
  readonly elseList: ListNode | undefined;
}
export interface TemplateNode { readonly type: 'template'; readonly pos: number; readonly name: string; readonly pipe: PipeNode | undefined }
export interface BreakNode { readonly type: 'break' | 'continue'; readonly pos: number }
export interface PipeNode {
  readonly type: 'pipe';
  readonly pos: number;
  isAssign: boolean;
  readonly decl: VariableNode[];
  readonly cmds: CommandNode[];
}
export interface CommandNode { readonly type: 'command'; readonly pos: number; readonly args: ArgNode[] }
export interface FieldNode { readonly type: 'field'; readonly pos: number; readonly ident: string[] }
export interface VariableNode { readonly type: 'variable'; readonly pos: number; readonly ident: string[] }
export interface IdentifierNode { readonly type: 'identifier'; readonly pos: number; readonly ident: string }
export interface ChainNode { readonly type: 'chain'; readonly pos: number; readonly node: ArgNode; readonly field: string[] }
export interface DotNode { readonly type: 'dot'; readonly pos: number }
export interface NilNode { readonly type: 'nil'; readonly pos: number }
export interface BoolNode { readonly type: 'bool'; readonly pos: number; readonly value: boolean }
export interface NumberNode {
  readonly type: 'number';
  readonly pos: number;
  readonly text: string;
  readonly isInt: boolean;
  readonly isUint: boolean;
  readonly isFloat: boolean;
  readonly isComplex: boolean;
  readonly int64: bigint;
  readonly uint64: bigint;
  readonly float64: number;
}
export interface StringNode { readonly type: 'string'; readonly pos: number; readonly quoted: string; readonly text: string }

export type ArgNode =
  | FieldNode | VariableNode | IdentifierNode | ChainNode | DotNode | NilNode | BoolNode | NumberNode | StringNode | PipeNode;

export type Node = TextNode | ListNode | ActionNode | BranchNode | TemplateNode | BreakNode | CommandNode | ArgNode;

function pipeString(p: PipeNode): string {
  let s = '';
  if (p.decl.length > 0) {
    s += p.decl.map(nodeString).join(', ') + (p.isAssign ? ' = ' : ' := ');
  }
  return s + p.cmds.map(nodeString).join(' | ');
}

/** Node.String(). */
export function nodeString(n: Node): string {
  switch (n.type) {
    case 'text': return n.text;
    case 'list': return n.nodes.map(nodeString).join('');
    case 'action': return '{{' + pipeString(n.pipe) + '}}';
    case 'if': case 'range': case 'with':
      return '{{' + n.type + ' ' + pipeString(n.pipe) + '}}' + nodeString(n.list)
        + (n.elseList !== undefined ? '{{else}}' + nodeString(n.elseList) : '') + '{{end}}';
    case 'template': return '{{template ' + goQuote(n.name) + (n.pipe !== undefined ? ' ' + pipeString(n.pipe) : '') + '}}';
    case 'break': case 'continue': return '{{' + n.type + '}}';
    case 'pipe': return pipeString(n);
    case 'command': return n.args.map((a) => (a.type === 'pipe' ? '(' + pipeString(a) + ')' : nodeString(a))).join(' ');
    case 'field': return n.ident.map((i) => '.' + i).join('');
    case 'variable': return n.ident.join('.');
    case 'identifier': return n.ident;
    case 'chain': return (n.node.type === 'pipe' ? '(' + pipeString(n.node) + ')' : nodeString(n.node)) + n.field.map((f) => '.' + f).join('');
    case 'dot': return '.';
    case 'nil': return 'nil';
    case 'bool': return n.value ? 'true' : 'false';
    case 'number': return n.text;
    case 'string': return n.quoted;
  }
}

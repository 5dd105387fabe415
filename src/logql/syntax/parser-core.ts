/**
 * The token stream shared by the parsing modules, with Loki's error reporting:
 * the first lexer error wins, syntax errors name the unexpected token and, like
 * the generated parser Loki uses, list the expected ones only when there are at most four.
 */
import { ParseError } from './errors.js';
import { Lexer, type Token } from './lexer.js';
import { Tok, tokName } from './tokens.js';

/** Nesting beyond this is refused rather than risking the call stack (Loki has no limit). */
export const MAX_NESTING = 256;

export class Parser {
  private readonly lexer: Lexer;
  private nesting = 0;
  private readonly buf: Token[] = [];
  /**
   * Errors Loki finds only when it validates the finished tree (topk(0, …), sum_over_time
   * without unwrap, …): the first one in Loki's check order for each subtree.
   */
  private readonly deferred = new WeakMap<object, ParseError>();

  constructor(input: string) {
    this.lexer = new Lexer(input);
  }

  /** Brackets a recursive descent step; see MAX_NESTING. */
  enter(): void {
    if (++this.nesting > MAX_NESTING) throw new ParseError('syntax error: expression nests too deeply');
  }

  leave(): void {
    this.nesting--;
  }

  peek(k = 0): Token {
    while (this.buf.length <= k) this.buf.push(this.lexer.next());
    return this.buf[k];
  }

  at(type: Tok): boolean {
    return this.peek().type === type;
  }

  next(): Token {
    const t = this.peek();
    this.buf.shift();
    return t;
  }

  /** Consumes a token of the given type; `expected` is what the error lists. */
  expect(type: Tok, expected: readonly Tok[] = [type]): Token {
    if (!this.at(type)) this.fail(expected);
    return this.next();
  }

  /** A syntax error at the current token. */
  fail(expected: readonly Tok[] = []): never {
    this.throwLexerError();
    const t = this.peek();
    let msg = 'syntax error: unexpected ' + tokName(t.type);
    if (expected.length > 0 && expected.length <= 4) {
      msg += ', expecting ' + [...expected].sort((a, b) => a - b).map(tokName).join(' or ');
    }
    throw new ParseError(msg, t.line, t.col);
  }

  /** Throws the first lexer error, if any: Loki reports it before anything else. */
  throwLexerError(): void {
    if (this.lexer.errors.length > 0) throw this.lexer.errors[0];
  }

  /** Records a node's deferred error: its own, else the first of its children's. */
  note<T extends object>(node: T, own: ParseError | undefined, ...children: (object | undefined)[]): T {
    let err = own;
    for (let i = 0; err === undefined && i < children.length; i++) {
      const c = children[i];
      if (c !== undefined) err = this.deferred.get(c);
    }
    if (err !== undefined) this.deferred.set(node, err);
    return node;
  }

  deferredError(node: object): ParseError | undefined {
    return this.deferred.get(node);
  }
}

/**
 * Syntax check of Go text/template text, as Loki's line_format and label_format parse
 * it: a port of text/template/parse's lexer and parser that keeps only what decides
 * acceptance and Go's error texts (`template: line:1: unclosed action`).
 */
import { SyntaxErr, parseFloat64, unquote } from './go-strconv.js';
import { It, lexTemplate, quoteGo, type Item } from './template-lex.js';

/** Functions Loki registers for templates (pkg/logql/log/fmt.go), plus Go's builtins. */
export const TEMPLATE_FUNCTIONS: ReadonlySet<string> = new Set([
  'and', 'call', 'html', 'index', 'slice', 'js', 'len', 'not', 'or', 'print', 'printf', 'println', 'urlquery',
  'eq', 'ge', 'gt', 'le', 'lt', 'ne',
  'ToLower', 'ToUpper', 'Replace', 'Trim', 'TrimLeft', 'TrimRight', 'TrimPrefix', 'TrimSuffix', 'TrimSpace',
  'regexReplaceAll', 'regexReplaceAllLiteral', 'count', 'urldecode', 'urlencode', 'bytes', 'duration',
  'duration_seconds', 'unixEpochMillis', 'unixEpochNanos', 'toDateInZone', 'unixToTime', 'alignLeft', 'alignRight',
  'b64enc', 'b64dec', 'lower', 'upper', 'title', 'trunc', 'substr', 'contains', 'hasPrefix', 'hasSuffix',
  'indent', 'nindent', 'replace', 'repeat', 'trim', 'trimAll', 'trimSuffix', 'trimPrefix', 'int', 'float64',
  'add', 'sub', 'mul', 'div', 'mod', 'addf', 'subf', 'mulf', 'divf', 'max', 'min', 'maxf', 'minf', 'ceil',
  'floor', 'round', 'fromJson', 'date', 'toDate', 'now', 'unixEpoch', 'default', '__line__', '__timestamp__',
]);

class TemplateError extends Error {}

/** Go's item.String(), used in "unexpected … in …" messages. */
function itemString(i: Item): string {
  if (i.typ === It.EOF) return 'EOF';
  if (i.typ === It.Error) return i.val;
  if (i.typ > It.Keyword) return `<${i.val}>`;
  const runes = [...i.val];
  if (runes.length > 10) return quoteGo(runes.slice(0, 10).join('')) + '...';
  return quoteGo(i.val);
}

interface ControlEnd { readonly end: 'end' | 'else'; readonly line: number }

/** text/template/parse's parser, reduced to validation. */
class TemplateParser {
  private i = 0;
  private lastLine = 1;
  private vars: string[] = ['$'];
  private rangeDepth = 0;
  private actionLine = 0;

  constructor(private readonly items: Item[], private readonly name: string) {}

  private peek(): Item {
    const t = this.items[Math.min(this.i, this.items.length - 1)];
    this.lastLine = t.line;
    return t;
  }

  private next(): Item {
    const t = this.items[Math.min(this.i++, this.items.length - 1)];
    this.lastLine = t.line;
    return t;
  }

  private backup(): void { this.i--; }
  private nextNonSpace(): Item {
    let t = this.next();
    while (t.typ === It.Space) t = this.next();
    return t;
  }
  private peekNonSpace(): Item {
    const t = this.nextNonSpace();
    this.backup();
    return t;
  }

  private fail(msg: string, line = this.lastLine): never {
    throw new TemplateError(`template: ${this.name}:${line}: ${msg}`);
  }

  private unexpected(t: Item, context: string): never {
    if (t.typ === It.Error) {
      let extra = '';
      if (this.actionLine !== 0 && this.actionLine !== t.line) {
        extra = ` in action started at ${this.name}:${this.actionLine}`;
        if (t.val.endsWith(' action')) extra = extra.slice(' in action'.length);
      }
      this.fail(t.val + extra, t.line);
    }
    this.fail(`unexpected ${itemString(t)} in ${context}`, t.line);
  }

  private expect(typ: It, context: string): Item {
    const t = this.nextNonSpace();
    if (t.typ !== typ) this.unexpected(t, context);
    return t;
  }

  parse(): void {
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
      if (n !== undefined) this.fail(`unexpected {{${n.end}}}`, n.line);
    }
  }

  private parseDefinition(): void {
    const t = this.nextNonSpace();
    if (t.typ !== It.String && t.typ !== It.RawString) this.unexpected(t, 'define clause');
    this.unquote(t.val);
    this.expect(It.RightDelim, 'define clause');
    const saved = this.vars;
    this.vars = ['$'];
    const end = this.itemList();
    if (end.end !== 'end') this.fail(`unexpected {{${end.end}}} in define clause`, end.line);
    this.vars = saved;
  }

  /** Parses items up to `{{end}}` or `{{else}}`. */
  private itemList(): ControlEnd {
    while (this.peekNonSpace().typ !== It.EOF) {
      const n = this.textOrAction();
      if (n !== undefined) return n;
    }
    this.fail('unexpected EOF');
  }

  private textOrAction(): ControlEnd | undefined {
    const t = this.nextNonSpace();
    switch (t.typ) {
      case It.Text: case It.Comment: return undefined;
      case It.LeftDelim: {
        this.actionLine = t.line;
        try {
          return this.action();
        } finally {
          this.actionLine = 0;
        }
      }
      default: this.unexpected(t, 'input');
    }
  }

  private action(): ControlEnd | undefined {
    const t = this.nextNonSpace();
    switch (t.typ) {
      case It.Block: this.blockControl(); return undefined;
      case It.Break: case It.Continue: {
        const word = t.typ === It.Break ? 'break' : 'continue';
        const r = this.nextNonSpace();
        if (r.typ !== It.RightDelim) this.unexpected(r, `{{${word}}}`);
        if (this.rangeDepth === 0) this.fail(`{{${word}}} outside {{range}}`);
        return undefined;
      }
      case It.Else: {
        const p = this.peekNonSpace();
        if (p.typ === It.If || p.typ === It.With) return { end: 'else', line: p.line };
        const r = this.expect(It.RightDelim, 'else');
        return { end: 'else', line: r.line };
      }
      case It.End: {
        const r = this.expect(It.RightDelim, 'end');
        return { end: 'end', line: r.line };
      }
      case It.If: this.control('if'); return undefined;
      case It.Range: this.control('range'); return undefined;
      case It.With: this.control('with'); return undefined;
      case It.Template: this.templateControl(); return undefined;
    }
    this.backup();
    this.pipeline('command', It.RightDelim);
    return undefined;
  }

  private control(context: 'if' | 'range' | 'with'): void {
    const saved = this.vars.length;
    this.pipeline(context, It.RightDelim);
    if (context === 'range') this.rangeDepth++;
    let next = this.itemList();
    if (context === 'range') this.rangeDepth--;
    if (next.end === 'else') {
      if ((context === 'if' && this.peek().typ === It.If) || (context === 'with' && this.peek().typ === It.With)) {
        this.next();
        this.control(context);
      } else {
        next = this.itemList();
        if (next.end !== 'end') this.fail(`expected end; found {{${next.end}}}`, next.line);
      }
    }
    this.vars.length = saved;
  }

  private blockControl(): void {
    const t = this.nextNonSpace();
    this.templateName(t, 'block clause');
    this.pipeline('block clause', It.RightDelim);
    const saved = this.vars;
    this.vars = ['$'];
    const end = this.itemList();
    if (end.end !== 'end') this.fail(`unexpected {{${end.end}}} in block clause`, end.line);
    this.vars = saved;
  }

  private templateControl(): void {
    const t = this.nextNonSpace();
    this.templateName(t, 'template clause');
    if (this.nextNonSpace().typ !== It.RightDelim) {
      this.backup();
      this.pipeline('template clause', It.RightDelim);
    }
  }

  private templateName(t: Item, context: string): void {
    if (t.typ === It.String || t.typ === It.RawString) this.unquote(t.val);
    else this.unexpected(t, context);
  }

  private unquote(s: string): string {
    try {
      return unquote(s);
    } catch (err) {
      if (err instanceof SyntaxErr) return this.fail('invalid syntax');
      throw err;
    }
  }

  /** Returns the number of commands. */
  private pipeline(context: string, end: It): number {
    let decls = 0;
    for (;;) {
      const v = this.peekNonSpace();
      if (v.typ !== It.Variable) break;
      const save = this.i;
      this.nextNonSpace();
      const n = this.peekNonSpace();
      if (n.typ === It.Assign || n.typ === It.Declare) {
        this.nextNonSpace();
        this.vars.push(v.val);
        break;
      }
      if (n.typ === It.Char && n.val === ',') {
        this.nextNonSpace();
        this.vars.push(v.val);
        decls++;
        if (context === 'range' && decls < 2) {
          const p = this.peekNonSpace().typ;
          if (p === It.Variable || p === It.RightDelim || p === It.RightParen) continue;
          this.fail('range can only initialize variables');
        }
        this.fail(`too many declarations in ${context}`);
      }
      this.i = save;
      break;
    }
    const firstArgs: It[] = [];
    for (;;) {
      const t = this.nextNonSpace();
      if (t.typ === end) {
        if (firstArgs.length === 0) this.fail(`missing value for ${context}`);
        for (let k = 1; k < firstArgs.length; k++) {
          const a = firstArgs[k];
          if (a === It.Bool || a === It.Dot || a === It.Nil || a === It.Number || a === It.String) {
            this.fail(`non executable command in pipeline stage ${k + 1}`);
          }
        }
        return firstArgs.length;
      }
      switch (t.typ) {
        case It.Bool: case It.CharConstant: case It.Complex: case It.Dot: case It.Field: case It.Identifier:
        case It.Number: case It.Nil: case It.RawString: case It.String: case It.Variable: case It.LeftParen:
          this.backup();
          firstArgs.push(this.command());
          break;
        default:
          this.unexpected(t, context);
      }
    }
  }

  /** A command; returns the kind of its first argument. */
  private command(): It {
    let first: It | undefined;
    for (;;) {
      this.peekNonSpace();
      const kind = this.operand();
      if (kind !== undefined && first === undefined) first = kind;
      const t = this.next();
      if (t.typ === It.Space) continue;
      if (t.typ === It.RightDelim || t.typ === It.RightParen) this.backup();
      else if (t.typ !== It.Pipe) this.unexpected(t, 'operand');
      break;
    }
    if (first === undefined) this.fail('empty command');
    return first;
  }

  private operand(): It | undefined {
    const kind = this.term();
    if (kind === undefined) return undefined;
    if (this.peek().typ === It.Field) {
      while (this.peek().typ === It.Field) this.next();
      if (kind === It.Bool || kind === It.String || kind === It.RawString || kind === It.Number || kind === It.Nil || kind === It.Dot) {
        this.fail('unexpected . after term');
      }
      return kind === It.Field || kind === It.Variable ? kind : It.Field;
    }
    return kind === It.RawString ? It.String : kind === It.CharConstant || kind === It.Complex ? It.Number : kind;
  }

  private term(): It | undefined {
    const t = this.nextNonSpace();
    switch (t.typ) {
      case It.Identifier:
        if (!TEMPLATE_FUNCTIONS.has(t.val)) this.fail(`function ${quoteGo(t.val)} not defined`);
        return It.Identifier;
      case It.Dot: case It.Nil: case It.Field: case It.Bool:
        return t.typ;
      case It.Variable: {
        const name = t.val.split('.')[0];
        if (!this.vars.includes(name)) this.fail(`undefined variable ${quoteGo(name)}`);
        return It.Variable;
      }
      case It.CharConstant: case It.Complex: case It.Number:
        if (t.typ === It.Number && !legalNumber(t.val)) this.fail(`illegal number syntax: ${quoteGo(t.val)}`);
        if (t.typ === It.CharConstant && !legalChar(t.val)) this.fail(`malformed character constant: ${t.val}`);
        return t.typ;
      case It.LeftParen:
        this.pipeline('parenthesized pipeline', It.RightParen);
        return It.LeftParen;
      case It.String: case It.RawString:
        this.unquote(t.val);
        return t.typ;
    }
    this.backup();
    return undefined;
  }
}

function legalChar(s: string): boolean {
  const inner = s.slice(1, -1);
  if (inner === "\\'") return true;
  if (inner === "'") return false;
  try {
    return [...unquote('"' + inner + '"')].length === 1 && !inner.includes('"');
  } catch {
    return false;
  }
}

function legalNumber(s: string): boolean {
  if (/^[+-]?(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|0[0-7_]*|[1-9][0-9_]*)$/.test(s)) return true;
  try {
    parseFloat64(s);
    return true;
  } catch {
    return false;
  }
}

/**
 * The error Go's template.New(name).Funcs(loki).Parse(text) returns, or undefined.
 * name is "line" for line_format and "label" for label_format.
 */
export function templateError(name: string, text: string): string | undefined {
  try {
    new TemplateParser(lexTemplate(text), name).parse();
    return undefined;
  } catch (err) {
    if (err instanceof TemplateError) return err.message;
    throw err;
  }
}

/**
 * Go's fmt for template values: Sprint, Sprintln, Sprintf with flags, width, precision and
 * Go's error forms (`%!d(string=x)`, `%!v(MISSING)`, `%!(EXTRA …)`).
 */
import { formatFixed, formatFloatF, formatFloatG, goQuote } from '../../syntax/index.js';
import { GoInt, isStringMap, isTime, typeName, type GoValue } from './values.js';

interface Flags {
  plus: boolean;
  minus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  sharpV: boolean;
  plusV: boolean;
  wid: number;
  widPresent: boolean;
  prec: number;
  precPresent: boolean;
}

function newFlags(): Flags {
  return { plus: false, minus: false, sharp: false, space: false, zero: false, sharpV: false, plusV: false, wid: 0, widPresent: false, prec: 0, precPresent: false };
}

function runeCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) n++;
  }
  return n;
}

/** fmt.pad: width in runes, zeros only to the left. */
function pad(f: Flags, s: string): string {
  if (!f.widPresent || f.wid === 0) return s;
  const width = f.wid - runeCount(s);
  if (width <= 0) return s;
  if (f.minus) return s + ' '.repeat(width);
  return (f.zero ? '0' : ' ').repeat(width) + s;
}

function padSpaces(f: Flags, s: string): string {
  const z = f.zero;
  f.zero = false;
  const r = pad(f, s);
  f.zero = z;
  return r;
}

/** strconv.FormatFloat(v, 'e', prec, 64) with Go's exponent (at least two digits). */
function formatE(v: number, prec: number, upper: boolean): string {
  let s: string;
  if (prec < 0) {
    s = v.toExponential();
  } else {
    s = v.toExponential(Math.min(prec, 100));
  }
  const [mant, exp] = s.split('e');
  const e = Number(exp);
  const ae = Math.abs(e);
  const out = mant + 'e' + (e < 0 ? '-' : '+') + (ae < 10 ? '0' + ae : String(ae));
  return upper ? out.toUpperCase() : out;
}

/** strconv.FormatFloat(v, 'g', prec, 64). */
function formatG(v: number, prec: number, upper: boolean): string {
  if (prec < 0) {
    const s = formatFloatG(v);
    return upper ? s.toUpperCase() : s;
  }
  const p = prec === 0 ? 1 : prec;
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const [mant, exp] = Math.abs(v).toExponential(p - 1).split('e');
  const digits = mant.replace('.', '').replace(/0+$/, '') || '0';
  const x = Number(exp);
  let eprec = p;
  if (eprec > digits.length && digits.length >= x + 1) eprec = digits.length;
  const sign = v < 0 ? '-' : '';
  if (x < -4 || x >= eprec) {
    const m = digits.length > 1 ? digits[0] + '.' + digits.slice(1) : digits;
    const ax = Math.abs(x);
    const out = sign + m + 'e' + (x < 0 ? '-' : '+') + (ax < 10 ? '0' + ax : String(ax));
    return upper ? out.toUpperCase() : out;
  }
  const dp = x + 1;
  let s: string;
  if (dp <= 0) s = '0.' + '0'.repeat(-dp) + digits;
  else if (dp >= digits.length) s = digits + '0'.repeat(dp - digits.length);
  else s = digits.slice(0, dp) + '.' + digits.slice(dp);
  return sign + s;
}

function floatText(v: number, verb: string, prec: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  switch (verb) {
    case 'f': case 'F': return prec < 0 ? formatFloatF(v) : formatFixed(v, prec);
    case 'e': case 'E': return formatE(v, prec, verb === 'E');
    case 'g': case 'G': return formatG(v, prec, verb === 'G');
    default: return formatFloatG(v);
  }
}

function fmtFloat(f: Flags, v: number, verb: string, defPrec: number): string {
  const prec = f.precPresent ? f.prec : defPrec;
  let num = floatText(v, verb, prec);
  if (!num.startsWith('-') && !num.startsWith('+')) num = '+' + num;
  if (f.space && num[0] === '+' && !f.plus) num = ' ' + num.slice(1);
  if (num[1] === 'I' || num[1] === 'N') {
    if (num[1] === 'N' && !f.space && !f.plus) num = num.slice(1);
    return padSpaces(f, num);
  }
  if (f.plus || num[0] !== '+') {
    if (f.zero && !f.minus && f.widPresent && f.wid > num.length) {
      return num[0] + '0'.repeat(f.wid - num.length) + num.slice(1);
    }
    return pad(f, num);
  }
  return pad(f, num.slice(1));
}

function fmtInteger(f: Flags, n: bigint, base: number, verb: string, upper: boolean): string {
  const negative = n < 0n;
  const u = negative ? -n : n;
  let prec = 0;
  if (f.precPresent) {
    prec = f.prec;
    if (prec === 0 && u === 0n) return padSpaces(f, '');
  } else if (f.zero && !f.minus && f.widPresent) {
    prec = f.wid;
    if (negative || f.plus || f.space) prec--;
  }
  let digits = u.toString(base);
  if (upper) digits = digits.toUpperCase();
  if (digits.length < prec) digits = '0'.repeat(prec - digits.length) + digits;
  if (f.sharp) {
    if (base === 2) digits = '0b' + digits;
    else if (base === 8 && digits[0] !== '0') digits = '0' + digits;
    else if (base === 16) digits = (upper ? '0X' : '0x') + digits;
  }
  if (verb === 'O') digits = '0o' + digits;
  if (negative) digits = '-' + digits;
  else if (f.plus) digits = '+' + digits;
  else if (f.space) digits = ' ' + digits;
  return padSpaces(f, digits);
}

function truncate(f: Flags, s: string): string {
  if (!f.precPresent) return s;
  const runes = [...s];
  return runes.length > f.prec ? runes.slice(0, f.prec).join('') : s;
}

function fmtString(f: Flags, s: string, verb: string, arg: GoValue): string {
  switch (verb) {
    case 'v':
      return f.sharpV ? pad(f, goQuote(truncate(f, s))) : pad(f, truncate(f, s));
    case 's': return pad(f, truncate(f, s));
    case 'q': return pad(f, goQuote(truncate(f, s)));
    case 'x': case 'X': {
      const b = Buffer.from(truncate(f, s), 'utf8');
      let out = '';
      for (let i = 0; i < b.length; i++) {
        if (f.space && i > 0) out += ' ';
        if (f.sharp && (f.space || i === 0)) out += verb === 'x' ? '0x' : '0X';
        const h = b[i].toString(16).padStart(2, '0');
        out += verb === 'X' ? h.toUpperCase() : h;
      }
      return pad(f, out);
    }
    default: return badVerb(f, verb, arg);
  }
}

function badVerb(f: Flags, verb: string, arg: GoValue): string {
  if (arg === undefined || arg === null) return `%!${verb}(<nil>)`;
  return `%!${verb}(${typeName(arg)}=${printArg(newFlags(), arg, 'v')})`;
}

function printComposite(f: Flags, v: GoValue, verb: string): string {
  if (v instanceof Map) {
    const keys = [...v.keys()].sort();
    return 'map[' + keys.map((k) => printArg(f, k, verb) + ':' + printArg(f, v.get(k), verb)).join(' ') + ']';
  }
  if (Array.isArray(v)) return '[' + v.map((e) => printArg(f, e, verb)).join(' ') + ']';
  if (isStringMap(v)) {
    const keys = v.keys().sort();
    return 'map[' + keys.map((k) => printArg(f, k, verb) + ':' + printArg(f, v.get(k) ?? '', verb)).join(' ') + ']';
  }
  return '';
}

/** pp.printArg for one operand. */
export function printArg(f: Flags, arg: GoValue, verb: string): string {
  if (arg === undefined || arg === null) {
    if (verb === 'T' || verb === 'v') return pad(f, '<nil>');
    return badVerb(f, verb, arg);
  }
  if (verb === 'T') return pad(f, typeName(arg));
  switch (typeof arg) {
    case 'boolean':
      if (verb === 't' || verb === 'v') return pad(f, arg ? 'true' : 'false');
      return badVerb(f, verb, arg);
    case 'number':
      switch (verb) {
        case 'v': return fmtFloat(f, arg, 'g', -1);
        case 'b': case 'g': case 'G': case 'x': case 'X': return fmtFloat(f, arg, verb, -1);
        case 'f': case 'e': case 'E': case 'F': return fmtFloat(f, arg, verb, 6);
        default: return badVerb(f, verb, arg);
      }
    case 'string':
      return fmtString(f, arg, verb, arg);
  }
  if (arg instanceof GoInt) {
    const n = arg.v;
    switch (verb) {
      case 'v': case 'd': return fmtInteger(f, n, 10, verb, false);
      case 'b': return fmtInteger(f, n, 2, verb, false);
      case 'o': case 'O': return fmtInteger(f, n, 8, verb, false);
      case 'x': return fmtInteger(f, n, 16, verb, false);
      case 'X': return fmtInteger(f, n, 16, verb, true);
      case 'c': return pad(f, String.fromCodePoint(Number(n) >= 0 && Number(n) <= 0x10ffff ? Number(n) : 0xfffd));
      case 'q': return pad(f, "'" + String.fromCodePoint(Number(n)) + "'");
      case 'U': return pad(f, 'U+' + n.toString(16).toUpperCase().padStart(4, '0'));
      default: return badVerb(f, verb, arg);
    }
  }
  if (isTime(arg)) {
    if (verb === 'v' || verb === 's' || verb === 'q' || verb === 'x' || verb === 'X') return fmtString(f, arg.toString(), verb, arg);
    return badVerb(f, verb, arg);
  }
  return pad(f, printComposite(f, arg, verb));
}

/** fmt.Sprint. */
export function sprint(args: readonly GoValue[]): string {
  let out = '';
  let prevString = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const isString = typeof a === 'string';
    if (i > 0 && !isString && !prevString) out += ' ';
    out += printArg(newFlags(), a, 'v');
    prevString = isString;
  }
  return out;
}

/** fmt.Sprintln. */
export function sprintln(args: readonly GoValue[]): string {
  return args.map((a) => printArg(newFlags(), a, 'v')).join(' ') + '\n';
}

/** fmt.Sprint of one value (%v). */
export function formatValue(v: GoValue): string {
  return printArg(newFlags(), v, 'v');
}

function parseNum(s: string, i: number): { n: number; ok: boolean; i: number } {
  let n = 0;
  let ok = false;
  while (i < s.length && s[i] >= '0' && s[i] <= '9') {
    if (n > 1e6) return { n: 0, ok: false, i: s.length };
    n = n * 10 + (s.charCodeAt(i) - 48);
    ok = true;
    i++;
  }
  return { n, ok, i };
}

function intFromArg(args: readonly GoValue[], argNum: number): { n: number; ok: boolean; argNum: number } {
  if (argNum >= args.length) return { n: 0, ok: false, argNum };
  const a = args[argNum];
  if (a instanceof GoInt) {
    const n = Number(a.v);
    return { n, ok: Math.abs(n) <= 1e6, argNum: argNum + 1 };
  }
  return { n: 0, ok: false, argNum: argNum + 1 };
}

/** fmt.Sprintf. */
export function sprintf(format: string, args: readonly GoValue[]): string {
  let out = '';
  let argNum = 0;
  const end = format.length;
  let i = 0;
  while (i < end) {
    const lasti = i;
    while (i < end && format[i] !== '%') i++;
    if (i > lasti) out += format.slice(lasti, i);
    if (i >= end) break;
    i++;
    const f = newFlags();
    let verbFound = false;
    for (; i < end; i++) {
      const c = format[i];
      if (c === '#') f.sharp = true;
      else if (c === '0') f.zero = !f.minus;
      else if (c === '+') f.plus = true;
      else if (c === '-') {
        f.minus = true;
        f.zero = false;
      } else if (c === ' ') f.space = true;
      else {
        if (c >= 'a' && c <= 'z' && argNum < args.length) {
          if (c === 'v') {
            f.sharpV = f.sharp;
            f.sharp = false;
            f.plusV = f.plus;
            f.plus = false;
          }
          out += printArg(f, args[argNum], c);
          argNum++;
          i++;
          verbFound = true;
        }
        break;
      }
    }
    if (verbFound) continue;
    if (i < end && format[i] === '*') {
      i++;
      const r = intFromArg(args, argNum);
      f.wid = r.n;
      f.widPresent = r.ok;
      argNum = r.argNum;
      if (!r.ok) out += '%!(BADWIDTH)';
      if (f.wid < 0) {
        f.wid = -f.wid;
        f.minus = true;
        f.zero = false;
      }
    } else {
      const r = parseNum(format, i);
      f.wid = r.n;
      f.widPresent = r.ok;
      i = r.i;
    }
    if (i + 1 < end && format[i] === '.') {
      i++;
      if (i < end && format[i] === '*') {
        i++;
        const r = intFromArg(args, argNum);
        f.prec = r.n;
        f.precPresent = r.ok;
        argNum = r.argNum;
        if (f.prec < 0) {
          f.prec = 0;
          f.precPresent = false;
        }
        if (!f.precPresent) out += '%!(BADPREC)';
      } else {
        const r = parseNum(format, i);
        f.prec = r.ok ? r.n : 0;
        f.precPresent = true;
        i = r.i;
      }
    }
    if (i >= end) {
      out += '%!(NOVERB)';
      break;
    }
    const cp = format.codePointAt(i)!;
    const verb = String.fromCodePoint(cp);
    i += verb.length;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (argNum >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    if (verb === 'v') {
      f.sharpV = f.sharp;
      f.sharp = false;
      f.plusV = f.plus;
      f.plus = false;
    }
    out += printArg(f, args[argNum], verb);
    argNum++;
  }
  if (argNum < args.length) {
    out += '%!(EXTRA ' + args.slice(argNum).map((a) => (a === undefined || a === null ? '<nil>' : typeName(a) + '=' + printArg(newFlags(), a, 'v'))).join(', ') + ')';
  }
  return out;
}


/** Scalar arithmetic with Loki's semantics, used to fold literal∘literal while parsing. */
import type { BinaryOperator } from './ast.js';

/** Go's math.Pow, whose special cases differ from Math.pow (1^NaN = 1, (-1)^±Inf = 1). */
export function goPow(x: number, y: number): number {
  if (y === 0 || x === 1) return 1;
  if ((y === Infinity || y === -Infinity) && x === -1) return 1;
  return Math.pow(x, y);
}

/**
 * op applied to two scalars: division and modulo by zero give NaN, comparisons give
 * 1 or 0 whether or not `bool` was written (Loki's MergeBinOp without filtering).
 */
export function foldBinary(op: BinaryOperator, l: number, r: number): number {
  switch (op) {
    case '+': return l + r;
    case '-': return l - r;
    case '*': return l * r;
    case '/': return r === 0 ? NaN : l / r;
    case '%': return r === 0 ? NaN : l % r;
    case '^': return goPow(l, r);
    case '==': return l === r ? 1 : 0;
    case '!=': return l !== r ? 1 : 0;
    case '>': return l > r ? 1 : 0;
    case '>=': return l >= r ? 1 : 0;
    case '<': return l < r ? 1 : 0;
    case '<=': return l <= r ? 1 : 0;
    default: return NaN;
  }
}

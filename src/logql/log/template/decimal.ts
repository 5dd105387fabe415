/**
 * The arbitrary-precision decimals sprig's addf/subf/mulf/divf go through
 * (shopspring/decimal): floats enter by their shortest decimal form, division keeps 16
 * decimal places rounded half away from zero, the result is the nearest float64.
 */
import { CallError } from './exec.js';

export interface Decimal {
  readonly coef: bigint;
  /** value = coef × 10^exp */
  readonly exp: number;
}

const DIVISION_PRECISION = 16;

export function fromFloat(f: number): Decimal {
  if (Number.isNaN(f) || !Number.isFinite(f)) throw new CallError(`Cannot create a Decimal from ${Number.isNaN(f) ? 'NaN' : f > 0 ? '+Inf' : '-Inf'}`);
  if (f === 0) return { coef: 0n, exp: 0 };
  const [mant, e] = f.toExponential().split('e');
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  const exp = Number(e) - (digits.length - 1);
  const coef = BigInt(digits);
  return { coef: neg ? -coef : coef, exp };
}

function align(a: Decimal, b: Decimal): [bigint, bigint, number] {
  if (a.exp === b.exp) return [a.coef, b.coef, a.exp];
  if (a.exp < b.exp) return [a.coef, b.coef * 10n ** BigInt(b.exp - a.exp), a.exp];
  return [a.coef * 10n ** BigInt(a.exp - b.exp), b.coef, b.exp];
}

export function add(a: Decimal, b: Decimal): Decimal {
  const [x, y, e] = align(a, b);
  return { coef: x + y, exp: e };
}

export function sub(a: Decimal, b: Decimal): Decimal {
  const [x, y, e] = align(a, b);
  return { coef: x - y, exp: e };
}

export function mul(a: Decimal, b: Decimal): Decimal {
  return { coef: a.coef * b.coef, exp: a.exp + b.exp };
}

/** Decimal.Div: DivRound(d2, 16). */
export function div(a: Decimal, b: Decimal): Decimal {
  if (b.coef === 0n) throw new CallError('decimal division by 0');
  // Quotient scaled to 10^-16, truncated toward zero, then rounded half away from zero.
  const shift = a.exp - b.exp + DIVISION_PRECISION;
  let num = a.coef;
  let den = b.coef;
  if (shift >= 0) num *= 10n ** BigInt(shift);
  else den *= 10n ** BigInt(-shift);
  let q = num / den;
  const r = num % den;
  const abs = (x: bigint): bigint => (x < 0n ? -x : x);
  if (2n * abs(r) >= abs(den)) q += (num < 0n) !== (den < 0n) ? -1n : 1n;
  return { coef: q, exp: -DIVISION_PRECISION };
}

/** The nearest float64 (Decimal.Float64 through big.Rat). */
export function toFloat(d: Decimal): number {
  return Number(`${d.coef}e${d.exp}`);
}

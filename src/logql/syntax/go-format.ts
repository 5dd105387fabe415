/** Go's float formatting (fmt %v, %f, strconv 'f' -1), which Loki's printed queries use. */

/** Shortest round-trip decimal digits and decimal exponent: v = 0.d1d2... × 10^dp. */
function shortest(v: number): { digits: string; dp: number } {
  const [mant, exp] = Math.abs(v).toExponential().split('e');
  const digits = mant.replace('.', '');
  return { digits, dp: Number(exp) + 1 };
}

function special(v: number): string | undefined {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return undefined;
}

function sign(v: number): string {
  return v < 0 || Object.is(v, -0) ? '-' : '';
}

function fixedFromDigits(digits: string, dp: number, prec: number): string {
  let intPart: string;
  let frac: string;
  if (dp <= 0) {
    intPart = '0';
    frac = '0'.repeat(-dp) + digits;
  } else if (dp >= digits.length) {
    intPart = digits + '0'.repeat(dp - digits.length);
    frac = '';
  } else {
    intPart = digits.slice(0, dp);
    frac = digits.slice(dp);
  }
  frac = frac.padEnd(prec, '0').slice(0, prec);
  return prec > 0 ? intPart + '.' + frac : intPart;
}

/** strconv.FormatFloat(v, 'f', -1, 64). */
export function formatFloatF(v: number): string {
  const sp = special(v);
  if (sp !== undefined) return sp;
  if (v === 0) return sign(v) + '0';
  const { digits, dp } = shortest(v);
  return sign(v) + fixedFromDigits(digits, dp, Math.max(digits.length - dp, 0));
}

/** fmt %v (strconv.FormatFloat(v, 'g', -1, 64)). */
export function formatFloatG(v: number): string {
  const sp = special(v);
  if (sp !== undefined) return sp;
  if (v === 0) return sign(v) + '0';
  const { digits, dp } = shortest(v);
  const exp = dp - 1;
  // Shortest %g uses an exponent when it is below -4 or at least 6.
  if (exp < -4 || exp >= 6) {
    const mant = digits.length > 1 ? digits[0] + '.' + digits.slice(1) : digits;
    const ae = Math.abs(exp);
    return sign(v) + mant + 'e' + (exp < 0 ? '-' : '+') + (ae < 10 ? '0' + ae : String(ae));
  }
  return sign(v) + fixedFromDigits(digits, dp, Math.max(digits.length - dp, 0));
}

/** fmt %.{prec}f: exact decimal expansion, ties to even. */
export function formatFixed(v: number, prec: number): string {
  const sp = special(v);
  if (sp !== undefined) return sp;
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, v);
  const hi = buf.getUint32(0);
  const lo = buf.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e2: number;
  if (biased === 0) e2 = -1074;
  else { mant |= 1n << 52n; e2 = biased - 1075; }
  const scale = 10n ** BigInt(prec);
  let q: bigint;
  if (e2 >= 0) {
    q = (mant << BigInt(e2)) * scale;
  } else {
    const num = mant * scale;
    const den = 1n << BigInt(-e2);
    q = num / den;
    const r2 = (num % den) * 2n;
    if (r2 > den || (r2 === den && (q & 1n) === 1n)) q += 1n;
  }
  let s = q.toString().padStart(prec + 1, '0');
  if (prec > 0) s = s.slice(0, s.length - prec) + '.' + s.slice(s.length - prec);
  return sign(v) + s;
}

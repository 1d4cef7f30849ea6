/**
 * Python's float formatting, which sacreBLEU's printed scores go through: `f"{x:.2f}"` rounds
 * the exact binary value half-to-even (JavaScript's `toFixed` rounds exact ties up), and
 * `repr(x)` (used by `json.dumps`) writes `34.0`, `1e-05`, where JavaScript writes `34`, `0.00001`.
 */

/**
 * `f"{x:.{digits}f}"`.
 *
 * @example
 * pyFixed(0.125, 2); // '0.12' (toFixed gives '0.13')
 * pyFixed(2.5, 0);   // '2'
 */
export function pyFixed(x: number, digits: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const a = Math.abs(x);
  if (a >= 1e21) return sign + BigInt(Math.round(a)).toString() + (digits > 0 ? '.' + '0'.repeat(digits) : '');
  let s = a.toFixed(digits);
  // toFixed(100) is the exact decimal expansion for every value these scores take; an exact tie
  // shows as a 5 followed only by zeros after the kept digits.
  const full = a.toFixed(100);
  const dot = full.indexOf('.');
  if (/^50*$/.test(full.slice(dot + 1 + digits))) {
    const truncated = digits === 0 ? full.slice(0, dot) : full.slice(0, dot + 1 + digits);
    if (Number(truncated[truncated.length - 1]) % 2 === 0) s = truncated;
  }
  return sign + s;
}

/**
 * `repr(x)` for a float: shortest round-trip digits, fixed notation with at least one decimal
 * for exponents −5 < e < 16, else scientific with a two-digit exponent.
 *
 * @example
 * pyFloatRepr(34); // '34.0'
 * pyFloatRepr(0.00001); // '1e-05'
 */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const [mant, expStr] = Math.abs(x).toExponential().split('e') as [string, string];
  const exp = Number(expStr);
  const digits = mant.replace('.', '');
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp >= 0) {
    const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
    return `${sign}${intPart}.${digits.slice(exp + 1) || '0'}`;
  }
  return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
}

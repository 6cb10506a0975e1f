// Number formatting for verdicts, without Intl so that the words come out the same in Node and workerd
// whatever locale data is present.

/** Real minus sign: "−0.2" reads as a negative number, "-0.2" can read as a dash. */
const MINUS = '\u2212';

/** 1900 → "1,900". */
export function groupThousands(n: number): string {
  const [int, frac] = Math.abs(n).toString().split('.');
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return (n < 0 ? MINUS : '') + grouped + (frac ? `.${frac}` : '');
}

/** Round up to two significant digits: a planning figure should not pretend to more (1,873 → 1,900). */
export function roundUpTwoSignificant(n: number): number {
  if (n <= 0) return 0;
  const step = 10 ** Math.max(0, Math.floor(Math.log10(n)) - 1);
  return Math.ceil(n / step) * step;
}

/** Fixed decimals with a real minus sign, and "+" when asked. */
export function signed(x: number, decimals: number, plus = false): string {
  const s = Math.abs(x).toFixed(decimals);
  if (Number(s) === 0) return (0).toFixed(decimals);
  return (x < 0 ? MINUS : plus ? '+' : '') + s;
}

/** Percent magnitudes: whole numbers from 10 up, one decimal below. */
export function percentMagnitude(x: number): string {
  const a = Math.abs(x);
  return a >= 10 ? a.toFixed(0) : a.toFixed(1);
}

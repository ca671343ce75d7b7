/** What a missing value (null, undefined, NaN) reads as. */
export const MISSING = '-';

const SIGNIFICANT_DIGITS = 4;
/** Below this magnitude a number is shown in exponent form: a p-value of 2e-30 is not 0. */
const SMALLEST_PLAIN = 1e-3;
/** From here on numbers round to whole units, not to 4 digits: 12345.6 reads 12,346, not 12,350. */
const WHOLE_FROM = 1e3;
/** Beyond this, whole numbers have more digits than anyone reads (and than a double keeps exactly). */
const LARGEST_PLAIN = 1e15;

/**
 * A number as a person reads it, the same in every table, email and Slack message:
 * - 0 as `0`; null, undefined and NaN as `-` (MISSING); ±Infinity as `Infinity` / `-Infinity`;
 * - below 1,000 in magnitude, 4 significant digits with trailing zeros dropped: 0.3412, 12.35,
 *   0.002278, 0.2;
 * - from 1,000 on, whole numbers with thousands grouped by commas: 1,234,567 (a count stays an
 *   exact integer, never 1.235e6), 1,235 for 1234.56;
 * - below 0.001 and from 1e15 on, exponent form with up to 4 significant digits: 2e-30, 1.2e-5,
 *   3.21e-9, so a tiny p-value never reads as 0.
 *
 * 4 significant digits, not 3: a value just past its threshold (psi 0.2004 > 0.2) stays distinct
 * from the threshold in an alert. Magnitudes are judged after rounding (0.00099996 reads 0.001).
 *
 * @example formatNumber(9 / 3950) === '0.002278'; formatNumber(2e-30) === '2e-30';
 *          formatNumber(1234567) === '1,234,567'; formatNumber(null) === '-'
 */
export function formatNumber(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return MISSING;
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const rounded = Number(v.toPrecision(SIGNIFICANT_DIGITS));
  const magnitude = Math.abs(rounded);
  if (magnitude < SMALLEST_PLAIN || magnitude >= LARGEST_PLAIN) return rounded.toExponential();
  if (magnitude < WHOLE_FROM) return String(rounded);
  return grouped(Math.round(v));
}

/**
 * A fraction (0..1) as a percentage, with the digits of formatNumber: 9 errors in 3,950 events
 * read `0.2278 %`, not `0 %`. Missing values read `-`.
 *
 * @example formatPercent(9 / 3950) === '0.2278 %'; formatPercent(0.02) === '2 %'
 */
export function formatPercent(fraction: number | null | undefined): string {
  if (fraction === null || fraction === undefined || Number.isNaN(fraction)) return MISSING;
  return `${formatNumber(fraction * 100)} %`;
}

/** `-1234567` -> `-1,234,567` (fixed, not the machine's locale: output must not depend on it). */
function grouped(whole: number): string {
  return String(whole).replace(/\B(?=(\d{3})+$)/g, ',');
}

/**
 * A metric value as people read it in a notification: 4 significant digits, trailing zeros
 * dropped (0.2, 0.3412, 1235); very small or large values in exponent form, so that a p-value
 * reads 1.2e-5 rather than 0.00001200. One definition for email and Slack.
 */
export function formatMetricValue(v: number): string {
  if (!Number.isFinite(v) || v === 0) return String(v);
  const rounded = Number(v.toPrecision(4));
  const magnitude = Math.abs(rounded);
  return magnitude >= 1e-3 && magnitude < 1e6 ? String(rounded) : rounded.toExponential();
}

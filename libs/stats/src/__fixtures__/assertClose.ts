// Test support: float comparison with an explicit tolerance.
import assert from 'node:assert/strict';

/**
 * Asserts |actual - expected| <= max(abs, rel * |expected|). Exact equality
 * (including both infinite or both 0) always passes.
 */
export function assertClose(
  actual: number,
  expected: number,
  tolerance: { rel?: number; abs?: number },
  label = '',
): void {
  if (actual === expected) return;
  const allowed = Math.max(tolerance.abs ?? 0, (tolerance.rel ?? 0) * Math.abs(expected));
  const diff = Math.abs(actual - expected);
  assert.ok(
    diff <= allowed,
    `${label} expected ${expected}, got ${actual} (|diff| ${diff.toExponential(3)} > allowed ${allowed.toExponential(3)}; rel ${(diff / Math.abs(expected)).toExponential(3)})`,
  );
}

/**
 * A fixed, baseline-independent quantisation of numeric values into log buckets, the same in
 * ClickHouse (bucketSql, run at insert time by the materialized views of migration 004) and in
 * TypeScript (bucketOf), bit for bit.
 *
 * A bucket is the set of doubles that share sign, exponent and the top BUCKET_BITS mantissa bits
 * (HDR histogram / DDSketch style). With B(j) = the double whose bit pattern is j << (52 - BUCKET_BITS):
 * - bucket k >= 0 holds [B(k), B(k+1)) (so bucket 0 starts at 0);
 * - bucket k < 0 holds [-B(-k), -B(-k-1)) (mirrored; -0 counts as 0).
 * So every bucket is half-open [lower(k), lower(k+1)) with lower(k) = sign(k) * B(|k|), and the key
 * order is the value order.
 *
 * Relative error: for normal doubles B(k+1) / B(k) <= 1 + 2^-BUCKET_BITS, so a bucket spans at
 * most 2^-7 = 0.78% of its lower bound (subnormals: an absolute 2^-1029). Integers with
 * |n| <= 2^BUCKET_BITS = 128 are boundaries and alone in their buckets: small counts, hours,
 * codes stay exact.
 *
 * Results stay exact, not approximate, because the monitor's PSI edges and KS grid edges are
 * snapped to bucket boundaries (snapToBucket): every bucket then lies wholly inside one bin, so
 * counting per bucket and summing into bins gives exactly the counts of binning raw values on the
 * snapped edges. A snapped edge moves by at most half a bucket (0.39% relative) from the quantile
 * it stands for; the baselines are built on the same snapped edges, so both sides agree.
 */
export const BUCKET_BITS = 7;

const SHIFT_HI = 20 - BUCKET_BITS; // shift within the high 32-bit word (BUCKET_BITS <= 20)
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer); // little-endian: u32[1] is the high word (sign, exponent, top 20 mantissa bits)

/** The bucket key of a value (see the module comment). */
export function bucketOf(value: number): number {
  if (value > 0) {
    f64[0] = value;
    return u32[1]! >>> SHIFT_HI;
  }
  if (value < 0) {
    f64[0] = value;
    const hi = u32[1]! & 0x7fffffff;
    // (magnitude bits - 1) >> (52 - BUCKET_BITS): the borrow reaches the high word only when the low word is 0
    return -1 - ((u32[0] === 0 ? hi - 1 : hi) >>> SHIFT_HI);
  }
  return 0; // 0, -0 (and NaN, which validated input never holds)
}

function boundary(j: number): number {
  u32[0] = 0;
  u32[1] = j << SHIFT_HI;
  return f64[0]!;
}

/** The smallest value of bucket k; bucket k is [bucketLower(k), bucketLower(k + 1)). */
export function bucketLower(k: number): number {
  return k >= 0 ? boundary(k) : -boundary(-k);
}

/** The bucket boundary nearest to x (the lower one on a tie). */
export function snapToBucket(x: number): number {
  if (!Number.isFinite(x)) return x;
  const k = bucketOf(x);
  const lo = bucketLower(k);
  const hi = bucketLower(k + 1);
  return x - lo <= hi - x ? lo : hi;
}

export function isBucketBoundary(x: number): boolean {
  return Number.isFinite(x) && bucketLower(bucketOf(x)) === x;
}

/** Snapped and strictly increasing (edges that snap onto the same boundary merge). */
export function snapEdges(edges: readonly number[]): number[] {
  const out: number[] = [];
  for (const e of edges) {
    const s = snapToBucket(e) + 0; // + 0: -0 -> 0
    if (out.length === 0 || s > out[out.length - 1]!) out.push(s);
  }
  return out;
}

/**
 * The same key in ClickHouse SQL, for 18.16 and current versions alike: the bits through
 * reinterpretAsString (little-endian bytes) and reinterpretAsUInt64, then shifts.
 */
export function bucketSql(valueSql: string): string {
  const bits = `reinterpretAsUInt64(reinterpretAsString(${valueSql}))`;
  const shift = 52 - BUCKET_BITS;
  return `toInt32(multiIf(${valueSql} > 0, toInt64(bitShiftRight(${bits}, ${shift})), ${valueSql} < 0, -1 - toInt64(bitShiftRight(bitAnd(${bits}, 9223372036854775807) - 1, ${shift})), 0))`;
}

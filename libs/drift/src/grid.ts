import { binIndex } from '@driftwatch/stats';
import { BUCKET_BITS, snapToBucket } from './buckets';

/**
 * A fine uniform grid over a numeric feature, used to compare whole distributions (KS) without
 * pulling rows: bin 0 holds values below `lo`, bins 1..bins hold [lo + (j-1)w, lo + jw), and bin
 * bins+1 holds values from lo + bins*w up. A value equal to an edge goes to the upper bin.
 * The same arithmetic runs in ClickHouse (gridBinSql) and in TypeScript (gridBin), so a baseline
 * built from a file and a window counted in the database use identical bins.
 */
export interface Grid {
  lo: number;
  width: number;
  bins: number;
  /**
   * When set (to BUCKET_BITS), every edge lo + j * width is snapped to the nearest bucket boundary
   * (buckets.ts), so the grid is a union of whole buckets and a window can be counted from the
   * pre-aggregated bucket counts exactly. Unset: the plain uniform grid of baselines made before.
   */
  bucketBits?: number;
}

export const DEFAULT_GRID_BINS = 1000;

export function gridBin(grid: Grid, value: number): number {
  if (grid.bucketBits) return binIndex(gridEdges(grid), value);
  const j = Math.floor((value - grid.lo) / grid.width) + 1;
  return Math.min(Math.max(j, 0), grid.bins + 1);
}

const edgesCache = new WeakMap<Grid, number[]>();

/**
 * The bins + 1 edges of a grid (snapped when the grid is bucketed; snapped edges that coincide
 * leave empty bins between them, which change no statistic). Bin j holds [edge j-1, edge j).
 */
export function gridEdges(grid: Grid): number[] {
  let edges = edgesCache.get(grid);
  if (!edges) {
    if (grid.bucketBits !== undefined && grid.bucketBits !== BUCKET_BITS)
      throw new Error(`grid of ${grid.bucketBits}-bit buckets, this version counts ${BUCKET_BITS}-bit buckets`);
    edges = Array.from({ length: grid.bins + 1 }, (_, j) => grid.lo + j * grid.width);
    if (grid.bucketBits) edges = edges.map((e) => snapToBucket(e) + 0);
    edgesCache.set(grid, edges);
  }
  return edges;
}

/** SQL for the grid bin of `valueSql`; lo, width may be SQL expressions (per-feature lookups). */
export function gridBinSql(valueSql: string, loSql: string, widthSql: string, bins: number): string {
  return `least(greatest(toInt64(floor((${valueSql} - ${loSql}) / ${widthSql})) + 1, 0), ${bins + 1})`;
}

/**
 * A grid spanning the central mass of a sorted sample: from its 0.1% to its 99.9% quantile
 * (outliers land in the two open bins). A constant sample gets a unit-width grid around it.
 */
export function gridFromSorted(sorted: ArrayLike<number>, bins = DEFAULT_GRID_BINS, bucketBits?: number): Grid {
  const grid = uniformGrid(sorted, bins);
  return bucketBits ? { ...grid, bucketBits } : grid;
}

function uniformGrid(sorted: ArrayLike<number>, bins: number): Grid {
  const n = sorted.length;
  const at = (p: number) => sorted[Math.min(n - 1, Math.max(0, Math.floor(p * (n - 1))))]!;
  let lo = at(0.001);
  let hi = at(0.999);
  if (!(hi > lo)) {
    lo = sorted[0]!;
    hi = sorted[n - 1]!;
  }
  if (!(hi > lo)) return { lo: lo - 0.5, width: 1 / bins, bins };
  return { lo, width: (hi - lo) / bins, bins };
}

export function gridCounts(grid: Grid, values: ArrayLike<number>): number[] {
  const counts = new Array<number>(grid.bins + 2).fill(0);
  if (grid.bucketBits) {
    const edges = gridEdges(grid);
    for (let i = 0; i < values.length; i++) counts[binIndex(edges, values[i]!)]!++;
    return counts;
  }
  for (let i = 0; i < values.length; i++) counts[gridBin(grid, values[i]!)]!++;
  return counts;
}

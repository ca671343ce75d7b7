import { formatNumber, formatPercent, renderTable } from '@driftwatch/format';

/**
 * How a column of a demo table is read. ClickHouse sends 64-bit integers (counts, uniqExact,
 * differences of Int64) as JSON strings, so such a column is declared a `number`; `percent` is a
 * fraction (0..1) shown as a percentage. Undeclared columns: JS numbers are numbers, the rest text.
 * Units other than % are in the column names (latency_p99_ms, events_per_s).
 */
export type ColumnFormats = Readonly<Record<string, 'number' | 'percent'>>;

/** The rows of a query as the demo prints them: an indented text table, numbers as formatNumber reads them. */
export function resultTable(rows: readonly Record<string, unknown>[], formats: ColumnFormats = {}): string {
  if (rows.length === 0) return '  (no rows)';
  const cols = Object.keys(rows[0]!);
  const cell = (col: string, v: unknown): string => {
    if (v === null || v === undefined) return formatNumber(null);
    const declared = formats[col];
    if (declared === 'percent') return formatPercent(Number(v));
    if (
      typeof v === 'number' ||
      (declared === 'number' && typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)))
    )
      return formatNumber(Number(v));
    return String(v);
  };
  return renderTable(
    cols,
    rows.map((r) => cols.map((c) => cell(c, r[c]))),
  )
    .map((line) => `  ${line}`)
    .join('\n');
}

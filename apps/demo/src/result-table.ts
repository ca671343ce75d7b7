/**
 * How a column of a demo table is read. ClickHouse sends 64-bit integers (counts, uniqExact,
 * differences of Int64) as JSON strings, so such a column is declared a `number`; `percent` is a
 * fraction (0..1) shown as a percentage. Undeclared columns: JS numbers are numbers, the rest text.
 */
export type ColumnFormats = Readonly<Record<string, 'number' | 'percent'>>;

/** The rows of a query as the demo prints them: an indented text table. */
export function resultTable(rows: readonly Record<string, unknown>[], formats: ColumnFormats = {}): string {
  if (rows.length === 0) return '  (no rows)';
  const cols = Object.keys(rows[0]!);
  const cell = (v: unknown) => (typeof v === 'number' ? String(Math.round(v * 100) / 100) : String(v));
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]) => '  ' + vals.map((v, i) => v.padEnd(widths[i]!)).join('  ');
  return [line(cols), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(cols.map((c) => cell(r[c]))))].join('\n');
}

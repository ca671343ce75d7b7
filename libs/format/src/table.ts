/**
 * A plain-text table, one string per line: the header, a rule of dashes, then the rows, columns
 * left-aligned and two spaces apart, trailing spaces trimmed. Cells are already formatted
 * (formatNumber for numbers); a row shorter than the header leaves its last cells empty.
 *
 * @example renderTable(['feature', 'psi'], [['dep_hour', '0.5054']]) ===
 *   ['feature   psi', '--------  ------', 'dep_hour  0.5054']
 */
export function renderTable(columns: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    widths
      .map((w, i) => (cells[i] ?? '').padEnd(w))
      .join('  ')
      .trimEnd();
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

import { readFileSync } from 'node:fs';
import { extname } from 'node:path';

/** Splits CSV text (RFC 4180: quoted fields, "" escapes, CRLF or LF) into rows of fields. */
export function parseCsvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (quoted) throw new Error('CSV: a quoted field is not closed');
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A reference dataset as records: CSV (header row; numeric-looking cells become numbers) or JSON Lines. */
export function readDataset(path: string): Record<string, unknown>[] {
  const text = readFileSync(path, 'utf8');
  const ext = extname(path).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') {
    return text
      .split('\n')
      .map((line, i) => [line.trim(), i + 1] as const)
      .filter(([line]) => line !== '')
      .map(([line, n]) => {
        try {
          const value = JSON.parse(line) as unknown;
          if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
          return value as Record<string, unknown>;
        } catch (err) {
          throw new Error(`${path}:${n}: not a JSON object (${(err as Error).message})`);
        }
      });
  }
  if (ext === '.csv') {
    const [header, ...rows] = parseCsvRows(text);
    if (!header) throw new Error(`${path}: empty CSV`);
    return rows.map((cells, r) => {
      if (cells.length !== header.length)
        throw new Error(`${path}:${r + 2}: ${cells.length} fields, the header has ${header.length}`);
      return Object.fromEntries(header.map((h, i) => [h, NUMBER.test(cells[i]!) ? Number(cells[i]) : cells[i]]));
    });
  }
  throw new Error(`${path}: unknown dataset format '${ext}' (expected .csv, .jsonl or .ndjson)`);
}

import type { ClickHouse } from './client';
import type { RawTable } from './tables';

export interface TableRow {
  table: RawTable;
  /** an object, or one JSON object as text */
  row: object | string;
}

export interface InsertObserver {
  onInsert?(table: string, rows: number, seconds: number): void;
}

/**
 * Stores rows in their tables, one INSERT per table, in parallel. The promise settles only when
 * every row is in ClickHouse (or rejects with the table and the cause): callers acknowledge their
 * sources after it, never before (STYLE.md, "Acknowledge only what is stored").
 */
export class RowWriter {
  constructor(private readonly ch: ClickHouse, private readonly observer: InsertObserver = {}) {}

  async write(rows: readonly TableRow[]): Promise<void> {
    const byTable = new Map<RawTable, (object | string)[]>();
    for (const { table, row } of rows) {
      const list = byTable.get(table);
      if (list) list.push(row);
      else byTable.set(table, [row]);
    }
    await Promise.all(
      [...byTable].map(async ([table, list]) => {
        const started = process.hrtime.bigint();
        try {
          await this.ch.insert(table, list);
        } catch (err) {
          throw new Error(`insert of ${list.length} rows into ${this.ch.database}.${table} failed: ${(err as Error).message}`, { cause: err });
        }
        this.observer.onInsert?.(table, list.length, Number(process.hrtime.bigint() - started) / 1e9);
      }),
    );
  }
}

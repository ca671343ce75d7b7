import type { ClickHouse } from './client';
import { isContentError } from './errors';
import type { RawTable } from './tables';

export interface TableRow {
  table: RawTable;
  /** an object, or one JSON object as text */
  row: object | string;
}

/** A row ClickHouse refused for its content: its index in the rows given to `write`, and ClickHouse's words. */
export interface RefusedRow {
  index: number;
  table: RawTable;
  reason: string;
}

export interface InsertObserver {
  onInsert?(table: string, rows: number, seconds: number): void;
  onRefused?(table: string, rows: number): void;
}

/**
 * Stores rows in their tables, one INSERT per table, in parallel. The promise settles only when
 * every row is in ClickHouse or refused for its content (or rejects with the table and the cause
 * of an outage): callers acknowledge their sources after it, never before.
 *
 * An insert ClickHouse refuses for its content (a parse or type error) is bisected: halves are
 * inserted until the refused rows are alone, so one bad row costs about 2 log2(n) inserts and the
 * good rows around it are stored once. An insert of one batch is atomic in ClickHouse (it is far
 * below max_insert_block_size), so a refused half leaves nothing behind.
 */
export class RowWriter {
  constructor(
    private readonly ch: ClickHouse,
    private readonly observer: InsertObserver = {},
  ) {}

  async write(rows: readonly TableRow[]): Promise<RefusedRow[]> {
    const byTable = new Map<RawTable, number[]>();
    rows.forEach(({ table }, index) => {
      const list = byTable.get(table);
      if (list) list.push(index);
      else byTable.set(table, [index]);
    });
    const refused: RefusedRow[] = [];
    await Promise.all([...byTable].map(([table, indexes]) => this.insertBisecting(table, rows, indexes, refused)));
    return refused.sort((a, b) => a.index - b.index);
  }

  private async insertBisecting(
    table: RawTable,
    rows: readonly TableRow[],
    indexes: number[],
    refused: RefusedRow[],
  ): Promise<void> {
    const started = process.hrtime.bigint();
    try {
      await this.ch.insert(
        table,
        indexes.map((i) => rows[i]!.row),
      );
    } catch (err) {
      if (!isContentError(err)) {
        throw new Error(
          `insert of ${indexes.length} rows into ${this.ch.database}.${table} failed: ${(err as Error).message}`,
          { cause: err },
        );
      }
      if (indexes.length === 1) {
        refused.push({
          index: indexes[0]!,
          table,
          reason: `ClickHouse refused the row: ${(err as Error).message}`.toWellFormed(),
        });
        this.observer.onRefused?.(table, 1);
        return;
      }
      const half = indexes.length >> 1;
      await this.insertBisecting(table, rows, indexes.slice(0, half), refused);
      await this.insertBisecting(table, rows, indexes.slice(half), refused);
      return;
    }
    this.observer.onInsert?.(table, indexes.length, Number(process.hrtime.bigint() - started) / 1e9);
  }
}

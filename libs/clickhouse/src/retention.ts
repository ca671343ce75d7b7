import type { ClickHouse } from './client';
import { identifier, literal } from './sql';
import { DAY_PARTITIONED } from './tables';

/**
 * Retention by dropping whole day partitions (no TTL on ClickHouse 18.16): every partition of the
 * raw tables, and of the tables pre-aggregated from them (numeric_histograms, category_counts,
 * event_copies: same day key, so counts and raw rows leave together), older than `days` days is dropped. Returns the partitions it dropped.
 */
export async function dropExpiredPartitions(ch: ClickHouse, days: number, now = Date.now()): Promise<string[]> {
  if (!Number.isInteger(days) || days < 1)
    throw new Error(`retention must be a whole number of days >= 1, got ${days}`);
  const cutoff = new Date(now - days * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
  const tables = DAY_PARTITIONED.map(literal).join(', ');
  const parts = await ch.query<{ table: string; partition: string }>(
    `SELECT DISTINCT table, partition FROM system.parts WHERE database = ${literal(ch.database)} AND active AND table IN (${tables}) AND partition < ${literal(cutoff)}`,
  );
  const dropped: string[] = [];
  for (const p of parts) {
    if (!/^\d{8}$/.test(p.partition)) continue; // only day partitions made by our migrations
    await ch.command(`ALTER TABLE ${identifier(p.table)} DROP PARTITION ${p.partition}`);
    dropped.push(`${p.table}/${p.partition}`);
  }
  return dropped;
}

import type { DriftwatchClient } from '@driftwatch/sdk';
import { literal, type ClickHouse } from '@driftwatch/clickhouse';
import { SEQ_SQL, syntheticPrediction } from './events';

/**
 * Produces `total` synthetic predictions through the SDK, `perTick` every `tickMs`, so that a
 * fault can be injected while the stream is still flowing. Resolves when Kafka acknowledged all.
 */
export async function produceStream(
  sdk: DriftwatchClient,
  total: number,
  perTick: number,
  tickMs: number,
  model: string | ((seq: number) => string) = 'synthetic',
): Promise<void> {
  for (let seq = 0; seq < total; ) {
    const end = Math.min(total, seq + perTick);
    for (; seq < end; seq++) {
      for (;;) {
        try {
          sdk.logPrediction(syntheticPrediction(seq, typeof model === 'string' ? model : model(seq)));
          break;
        } catch (err) {
          if ((err as Error).name !== 'DriftwatchBufferFullError') throw err;
          await new Promise((resolve) => setTimeout(resolve, 100)); // Kafka is down: wait for room
        }
      }
    }
    if (tickMs > 0) await new Promise((resolve) => setTimeout(resolve, tickMs));
  }
  await sdk.flush(180_000);
}

export interface StoredCounts {
  /** rows, duplicates included */
  rows: number;
  /** distinct event ids */
  distinct: number;
  /** rows after ReplacingMergeTree collapse (FINAL) */
  final: number;
  minSeq: number;
  maxSeq: number;
}

/** Counts of one model's events, or of every model's with `model` null. */
export async function storedCounts(ch: ClickHouse, model: string | null = 'synthetic'): Promise<StoredCounts> {
  const where = model === null ? '' : `WHERE model = ${literal(model)}`;
  const [r] = await ch.query<Record<string, string | number>>(
    `SELECT count() AS rows, uniqExact(event_id) AS distinct, min(${SEQ_SQL}) AS min_seq, max(${SEQ_SQL}) AS max_seq FROM predictions ${where}`,
  );
  const [f] = await ch.query<{ n: string }>(`SELECT count() AS n FROM predictions FINAL ${where}`);
  return {
    rows: Number(r!.rows),
    distinct: Number(r!.distinct),
    final: Number(f!.n),
    minSeq: Number(r!.min_seq),
    maxSeq: Number(r!.max_seq),
  };
}

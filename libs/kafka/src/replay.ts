import type { IHeaders, Kafka } from 'kafkajs';
import type { DeadLetterHeaders } from './commit-after-write-consumer';

export interface ReplayFilter {
  /** only dead letters that failed at or after this time (epoch ms) */
  sinceMs?: number;
  untilMs?: number;
  /** only these refusal codes */
  codes?: string[];
}

export interface ReplayReport {
  scanned: number;
  replayed: number;
  /** replayed (or, with dryRun, matching) messages per code */
  byCode: Record<string, number>;
}

const headerText = (headers: IHeaders | undefined, name: string): string | undefined => {
  const v = headers?.[name];
  return v === undefined ? undefined : Array.isArray(v) ? String(v[0]) : String(v);
};

/**
 * Sends dead letters back to the topic they came from, with their original key, bytes and
 * headers (the dead-letter headers removed, `dw-replayed-from` added), so a fixed ingest service
 * or a raised limit gets to decide them again. Reads the dead-letter topic from the beginning up
 * to its end at the start of the call, with a throw-away consumer group; what is refused again is
 * dead-lettered again, with its new reason. Idempotent in effect: events collapse by event_id.
 */
export async function replayDeadLetters(
  kafka: Kafka,
  options: { deadLetterTopic: string; headers: DeadLetterHeaders; filter?: ReplayFilter; dryRun?: boolean },
): Promise<ReplayReport> {
  const { deadLetterTopic, headers: h, filter = {}, dryRun = false } = options;
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `driftwatch-replay-${Date.now()}-${process.pid}`;
  const report: ReplayReport = { scanned: 0, replayed: 0, byCode: {} };
  try {
    const ends = new Map((await admin.fetchTopicOffsets(deadLetterTopic)).map((p) => [p.partition, BigInt(p.high)]));
    const remaining = new Set([...ends].filter(([, high]) => high > 0n).map(([p]) => p));
    if (remaining.size === 0) return report;
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
    await Promise.all([producer.connect(), consumer.connect()]);
    try {
      await consumer.subscribe({ topics: [deadLetterTopic], fromBeginning: true });
      let settle: () => void = () => undefined;
      let fail: (err: Error) => void = () => undefined;
      const done = new Promise<void>((resolve, reject) => {
        settle = resolve;
        fail = reject;
      });
      await consumer.run({
        eachBatchAutoResolve: true,
        eachBatch: async ({ batch }) => {
          const end = ends.get(batch.partition) ?? 0n;
          const out = new Map<string, { key: Buffer | null; value: Buffer | null; headers: IHeaders }[]>();
          for (const m of batch.messages) {
            if (BigInt(m.offset) >= end) break;
            report.scanned++;
            const code = headerText(m.headers, h.code) ?? 'unknown';
            const failedAt = Date.parse(headerText(m.headers, h.failedAt) ?? '');
            const source = headerText(m.headers, h.sourceTopic);
            if (!source) continue;
            if (filter.codes && !filter.codes.includes(code)) continue;
            if (filter.sinceMs !== undefined && !(failedAt >= filter.sinceMs)) continue;
            if (filter.untilMs !== undefined && !(failedAt < filter.untilMs)) continue;
            const original: IHeaders = {};
            const ours = new Set<string>(Object.values(h));
            for (const [name, value] of Object.entries(m.headers ?? {}))
              if (!ours.has(name) && value !== undefined) original[name] = value;
            original['dw-replayed-from'] = `${deadLetterTopic}/${batch.partition}/${m.offset}`;
            const list = out.get(source) ?? [];
            list.push({ key: m.key, value: m.value, headers: original });
            out.set(source, list);
            report.byCode[code] = (report.byCode[code] ?? 0) + 1;
          }
          if (!dryRun) {
            for (const [topic, messages] of out) {
              await producer.send({ topic, acks: -1, messages });
              report.replayed += messages.length;
            }
          }
          if (BigInt(batch.lastOffset()) + 1n >= end) {
            remaining.delete(batch.partition);
            if (remaining.size === 0) settle();
          }
        },
      });
      consumer.on(consumer.events.CRASH, ({ payload }) => fail(payload.error));
      await done;
    } finally {
      await consumer.disconnect().catch(() => undefined);
      await producer.disconnect().catch(() => undefined);
      await admin.deleteGroups([groupId]).catch(() => undefined);
    }
  } finally {
    await admin.disconnect();
  }
  return report;
}

import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type {
  Consumer,
  ConsumerConfig,
  EachBatchPayload,
  IHeaders,
  KafkaMessage,
  Message,
  Producer,
  ProducerRecord,
  TopicPartitionOffsetAndMetadata,
} from 'kafkajs';
import {
  CommitAfterWriteConsumer,
  type CommitAfterWriteOptions,
  type ConsumerObserver,
  type DeadLetterHeaders,
  type DecodeResult,
  type KafkaClient,
  type RejectedMessage,
  type Sink,
  type StoreRefusal,
} from './commit-after-write-consumer';
import type { LogSink } from './kafka';

const TOPIC = 'events';
const DEAD_LETTER_TOPIC = 'events.dead-letter';
const HEADERS: DeadLetterHeaders = {
  reason: 'dl-reason',
  code: 'dl-code',
  sourceTopic: 'dl-source-topic',
  sourcePartition: 'dl-source-partition',
  sourceOffset: 'dl-source-offset',
  failedAt: 'dl-failed-at',
};

/** What the fakes did, in order, e.g. ['stored', 'commit events/0@3']: lets a test say "stored, then committed". */
type Journal = string[];

// ---------------------------------------------------------------------------------------------
// Fake kafkajs

type Listener = (event: { id: string; type: string; timestamp: number; payload: unknown }) => void;
type EachBatch = (payload: EachBatchPayload) => Promise<void>;

/** A consumer-group member the test drives: it hands batches to eachBatch and emits group events. */
class FakeConsumer {
  readonly events = { GROUP_JOIN: 'consumer.group_join', CRASH: 'consumer.crash' } as const;
  readonly commits: TopicPartitionOffsetAndMetadata[][] = [];
  readonly pauses: { topic: string }[][] = [];
  readonly resumes: { topic: string }[][] = [];
  paused = false;
  subscribedTo: string[] = [];
  disconnects = 0;
  /** the next disconnect() waits for this */
  slowDisconnect: Promise<void> | undefined;
  private readonly listeners = new Map<string, Listener[]>();
  private eachBatch: EachBatch | undefined;

  constructor(
    readonly config: ConsumerConfig,
    private readonly journal: Journal,
    private readonly connectFails: boolean,
  ) {}

  on(eventName: string, listener: Listener): () => void {
    this.listeners.set(eventName, [...(this.listeners.get(eventName) ?? []), listener]);
    return () =>
      this.listeners.set(
        eventName,
        (this.listeners.get(eventName) ?? []).filter((l) => l !== listener),
      );
  }

  async connect(): Promise<void> {
    if (this.connectFails) throw new Error('connect ECONNREFUSED');
  }

  async subscribe({ topics }: { topics: string[] }): Promise<void> {
    this.subscribedTo = topics;
  }

  async run({ eachBatch }: { eachBatch?: EachBatch }): Promise<void> {
    this.eachBatch = eachBatch;
  }

  get running(): boolean {
    return this.eachBatch !== undefined;
  }

  pause(topics: { topic: string }[]): void {
    this.journal.push('pause');
    this.pauses.push(topics);
    this.paused = true;
  }

  resume(topics: { topic: string }[]): void {
    this.journal.push('resume');
    this.resumes.push(topics);
    this.paused = false;
  }

  async commitOffsets(offsets: TopicPartitionOffsetAndMetadata[]): Promise<void> {
    this.journal.push(`commit ${offsets.map((o) => `${o.topic}/${o.partition}@${o.offset}`).join(' ')}`);
    this.commits.push(offsets);
  }

  async disconnect(): Promise<void> {
    this.journal.push('disconnect consumer');
    this.disconnects++;
    const slow = this.slowDisconnect;
    this.slowDisconnect = undefined;
    await slow;
  }

  /**
   * What kafkajs does after a fetch: hands one partition's messages to eachBatch and waits for it.
   * `heartbeat` stands for a heartbeat request the broker is slow to answer.
   */
  async deliver(
    partition: number,
    messages: KafkaMessage[],
    { topic = TOPIC, heartbeat = Promise.resolve() } = {},
  ): Promise<void> {
    assert.ok(this.eachBatch, 'deliver() before consumer.run()');
    const payload = {
      batch: { topic, partition, messages, offsetLag: () => '0' },
      resolveOffset: () => undefined,
      heartbeat: () => heartbeat,
      isRunning: () => true,
      isStale: () => false,
    };
    await this.eachBatch(payload as unknown as EachBatchPayload);
  }

  /** A (re)join of the group; like kafkajs, it forgets an earlier pause. */
  joinGroup(memberAssignment: Record<string, number[]>): void {
    this.paused = false;
    this.emit(this.events.GROUP_JOIN, {
      groupId: 'g',
      memberId: 'm',
      isLeader: true,
      leaderId: 'm',
      groupProtocol: 'RoundRobin',
      duration: 1,
      memberAssignment,
    });
  }

  crash(error: Error, restart: boolean): void {
    this.emit(this.events.CRASH, { groupId: 'g', error, restart });
  }

  private emit(type: string, payload: unknown): void {
    for (const listener of this.listeners.get(type) ?? []) listener({ id: '1', type, timestamp: Date.now(), payload });
  }
}

interface SendAttempt {
  topic: string;
  messages: Message[];
  delivered: boolean;
}

class FakeProducer {
  readonly attempts: SendAttempt[] = [];
  /** the next sends fail with these errors, in order */
  failures: Error[] = [];
  /** every send fails with this error */
  outage: Error | undefined;

  constructor(private readonly journal: Journal) {}

  /** the requests the broker took */
  get delivered(): SendAttempt[] {
    return this.attempts.filter((a) => a.delivered);
  }

  async connect(): Promise<void> {}

  async send(record: ProducerRecord): Promise<[]> {
    const error = this.outage ?? this.failures.shift();
    this.attempts.push({ topic: record.topic, messages: record.messages, delivered: error === undefined });
    this.journal.push(error ? 'dead-letter failed' : `dead-letter ${record.messages.length}`);
    if (error) throw error;
    return [];
  }

  async disconnect(): Promise<void> {
    this.journal.push('disconnect producer');
  }
}

class FakeKafka {
  readonly consumers: FakeConsumer[] = [];
  readonly producer: FakeProducer;
  /** consumers created from this index on fail to connect (a broker that stays away after a crash) */
  connectFailsFrom = Number.POSITIVE_INFINITY;

  constructor(private readonly journal: Journal) {
    this.producer = new FakeProducer(journal);
  }

  /** the consumer the class uses now */
  get current(): FakeConsumer {
    return at(this.consumers, -1);
  }

  asClient(): KafkaClient {
    return {
      consumer: (config) => {
        const consumer = new FakeConsumer(config, this.journal, this.consumers.length >= this.connectFailsFrom);
        this.consumers.push(consumer);
        return consumer as unknown as Consumer;
      },
      producer: () => this.producer as unknown as Producer,
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Fake sink, decoder, observer

interface StoreCall {
  accepted: string[];
  rejected: RejectedMessage[];
  at: number;
}

class FakeSink implements Sink<string> {
  readonly calls: StoreCall[] = [];
  /** this many next stores reject */
  failuresLeft = 0;
  /** every store rejects */
  outage = false;
  /** every store never settles */
  hang = false;
  /** what the next stores refuse for their content, one entry per call */
  refusals: StoreRefusal[][] = [];
  private held: Promise<void> | undefined;

  constructor(private readonly journal: Journal) {}

  /** Stores wait until the returned function is called. */
  hold(): () => void {
    const { promise, resolve } = deferred();
    this.held = promise;
    return () => {
      this.held = undefined;
      resolve();
    };
  }

  async store(accepted: string[], rejected: RejectedMessage[]): Promise<StoreRefusal[] | void> {
    this.calls.push({ accepted: [...accepted], rejected: [...rejected], at: Date.now() });
    if (this.hang) return new Promise<never>(() => {});
    if (this.held) await this.held;
    if (this.outage || this.failuresLeft > 0) {
      this.failuresLeft--;
      this.journal.push('store failed');
      throw new Error('ClickHouse unavailable');
    }
    const refusals = this.refusals.shift();
    this.journal.push(refusals ? `stored, ${refusals.length} refused` : 'stored');
    return refusals;
  }
}

/** Values are text: "bad..." is refused, "throw" makes the decoder throw, anything else is accepted as is. */
function decode(_topic: string, message: KafkaMessage): DecodeResult<string> {
  const text = message.value?.toString() ?? '';
  if (text === 'throw') throw new Error('unexpected token');
  if (text.startsWith('bad')) return { ok: false, code: 'schema_mismatch', reason: 'missing field model_id' };
  return { ok: true, value: text };
}

class RecordingObserver implements ConsumerObserver {
  readonly crashes: boolean[] = [];
  readonly deadLetterProduceFailures: number[] = [];
  restarts = 0;
  crashed(restarting: boolean): void {
    this.crashes.push(restarting);
  }
  deadLetterProduceFailed(messages: number): void {
    this.deadLetterProduceFailures.push(messages);
  }
  restarted(): void {
    this.restarts++;
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers

function message(offset: number, value: string, key: string | null = null, headers: IHeaders = {}): KafkaMessage {
  return {
    offset: String(offset),
    key: key === null ? null : Buffer.from(key),
    value: Buffer.from(value),
    headers,
    timestamp: '0',
    attributes: 0,
  };
}

/** `count` messages from `first` on, with values v<offset>. */
function messages(first: number, count: number): KafkaMessage[] {
  return Array.from({ length: count }, (_, i) => message(first + i, `v${first + i}`));
}

function at<T>(items: readonly T[], index: number): T {
  const item = items.at(index);
  assert.ok(item !== undefined, `no item at index ${index} of ${items.length}`);
  return item;
}

/** Polls `condition` every 2 ms; fails with `what` when it is not met within `deadlineMs`. */
async function waitFor(condition: () => boolean, what: string, deadlineMs = 2000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** A promise and the function that resolves it. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Lets time pass to show that something does NOT happen (never used to wait for something that does). */
const quietPeriod = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const committed = (partition: number, offset: string, topic = TOPIC) => ({ topic, partition, offset });

interface Harness {
  consumer: CommitAfterWriteConsumer<string>;
  kafka: FakeKafka;
  sink: FakeSink;
  observer: RecordingObserver;
  journal: Journal;
  logged: string[];
}

/** Starts a consumer on the fakes with small timings; it is stopped when the test ends. */
async function start(
  t: TestContext,
  options: Partial<CommitAfterWriteOptions<string>> = {},
  prepare: (kafka: FakeKafka) => void = () => {},
): Promise<Harness> {
  const journal: Journal = [];
  const logged: string[] = [];
  const kafka = new FakeKafka(journal);
  prepare(kafka);
  const sink = new FakeSink(journal);
  const observer = new RecordingObserver();
  const log: LogSink = { log: (m) => logged.push(m), warn: (m) => logged.push(m), error: (m) => logged.push(m) };
  const consumer = new CommitAfterWriteConsumer<string>({
    kafka: kafka.asClient(),
    groupId: 'ingest',
    topics: [TOPIC],
    deadLetterTopic: DEAD_LETTER_TOPIC,
    deadLetterHeaders: HEADERS,
    decode,
    sink,
    maxBufferedMessages: 3,
    maxBufferAgeMs: 20,
    retryInitialMs: 5,
    retryMaxMs: 20,
    restartMaxMs: 20,
    shutdownTimeoutMs: 400,
    observer,
    log,
    ...options,
  });
  t.after(() => consumer.stop());
  await consumer.start();
  return { consumer, kafka, sink, observer, journal, logged };
}

const storesAndCommits = (journal: Journal) => journal.filter((e) => e.startsWith('store') || e.startsWith('commit'));

// ---------------------------------------------------------------------------------------------
// 1. Commit only after store

test('offsets are committed only after the sink stored the batch, as last offset + 1 per partition', async (t) => {
  const { kafka, sink, journal } = await start(t);
  const release = sink.hold();
  await kafka.current.deliver(0, [message(10, 'a'), message(11, 'b')]);
  await kafka.current.deliver(1, [message(5, 'c')]);
  await waitFor(() => sink.calls.length === 1, 'the batch to reach the sink');

  await kafka.current.deliver(0, [message(12, 'd')]); // fetching goes on while the store runs
  assert.deepEqual(kafka.current.commits, [], 'nothing is committed while the store is pending');

  release();
  await waitFor(() => kafka.current.commits.length >= 1, 'the commit'); // the later message may be committed too by then
  assert.deepEqual(at(kafka.current.commits, 0), [committed(0, '12'), committed(1, '6')]);
  assert.deepEqual(journal.slice(0, 2), ['stored', 'commit events/0@12 events/1@6']);
});

test('a failing store is retried with growing backoff, nothing is committed until it succeeds, then once', async (t) => {
  const { consumer, kafka, sink, journal } = await start(t);
  sink.failuresLeft = 2;
  await kafka.current.deliver(0, messages(0, 3));
  await waitFor(() => kafka.current.commits.length === 1, 'the commit after the third store');

  assert.deepEqual(storesAndCommits(journal), ['store failed', 'store failed', 'stored', 'commit events/0@3']);
  assert.deepEqual(
    sink.calls.map((c) => c.accepted),
    [
      ['v0', 'v1', 'v2'],
      ['v0', 'v1', 'v2'],
      ['v0', 'v1', 'v2'],
    ],
  );
  // retryInitialMs 5, doubling (1 ms of slack for timer rounding)
  assert.ok(at(sink.calls, 1).at - at(sink.calls, 0).at >= 4, 'first retry after >= 5 ms');
  assert.ok(at(sink.calls, 2).at - at(sink.calls, 1).at >= 9, 'second retry after >= 10 ms');

  await consumer.stop();
  assert.equal(kafka.current.commits.length, 1, 'committed once');
});

// ---------------------------------------------------------------------------------------------
// 2-3. Pause and resume

test('fetching pauses when buffered messages reach maxBufferedMessages * pauseFactor and resumes once stored', async (t) => {
  const { kafka, sink } = await start(t, { maxBufferedMessages: 2, pauseFactor: 2, maxBufferAgeMs: 10_000 });
  const release = sink.hold();
  await kafka.current.deliver(0, messages(0, 2)); // flushes in the background; that store hangs
  await waitFor(() => sink.calls.length === 1, 'the first store');
  await kafka.current.deliver(0, messages(2, 3));
  assert.equal(kafka.current.paused, false, '3 buffered < 4');
  await kafka.current.deliver(0, messages(5, 1));
  assert.equal(kafka.current.paused, true, '4 buffered');
  assert.deepEqual(kafka.current.pauses, [[{ topic: TOPIC }]]);

  release();
  await waitFor(() => !kafka.current.paused, 'resume');
  assert.deepEqual(kafka.current.resumes, [[{ topic: TOPIC }]]);
  await waitFor(() => kafka.current.commits.length === 2, 'both batches committed');
  assert.deepEqual(at(kafka.current.commits, -1), [committed(0, '6')]);
});

test('fetching pauses when buffered bytes reach maxBufferedBytes * pauseFactor and resumes once stored', async (t) => {
  const { kafka, sink } = await start(t, {
    maxBufferedMessages: 100,
    maxBufferedBytes: 1000,
    pauseFactor: 3,
    maxBufferAgeMs: 10_000,
  });
  const release = sink.hold();
  await kafka.current.deliver(0, [message(0, 'x'.repeat(1000))]); // 1000 bytes: flushes; that store hangs
  await waitFor(() => sink.calls.length === 1, 'the first store');
  await kafka.current.deliver(0, [message(1, 'y'.repeat(2999))]);
  assert.equal(kafka.current.paused, false, '2999 bytes buffered < 3000');
  await kafka.current.deliver(0, [message(2, 'z')]);
  assert.equal(kafka.current.paused, true, '3000 bytes buffered (2 messages only)');

  release();
  await waitFor(() => !kafka.current.paused, 'resume');
  await waitFor(() => kafka.current.commits.length === 2, 'both batches committed');
  assert.deepEqual(at(kafka.current.commits, -1), [committed(0, '3')]);
});

test('a failing store pauses fetching; its recovery resumes it', async (t) => {
  const { kafka, sink } = await start(t, { maxBufferedMessages: 1 });
  sink.outage = true;
  await kafka.current.deliver(0, messages(0, 1));
  await waitFor(() => kafka.current.paused, 'pause on the failed store');
  assert.deepEqual(kafka.current.commits, []);

  sink.outage = false;
  await waitFor(() => !kafka.current.paused, 'resume after recovery');
  await waitFor(() => kafka.current.commits.length === 1, 'the commit');
  assert.deepEqual(at(kafka.current.commits, 0), [committed(0, '1')]);
});

test('a paused consumer pauses again when the group is rejoined (kafkajs forgets the pause)', async (t) => {
  const { kafka, sink } = await start(t, { maxBufferedMessages: 1 });
  sink.outage = true;
  await kafka.current.deliver(0, messages(0, 1));
  await waitFor(() => kafka.current.paused, 'pause on the failed store');

  kafka.current.joinGroup({ [TOPIC]: [0, 1] });
  assert.equal(kafka.current.paused, true);
  assert.equal(kafka.current.pauses.length, 2);

  sink.outage = false;
  await waitFor(() => kafka.current.commits.length === 1, 'the commit after recovery');
  assert.equal(kafka.current.paused, false);
});

// ---------------------------------------------------------------------------------------------
// 4. Dead letters

test('a message the decoder refuses goes to the dead-letter topic with reason, code, source and original bytes, and to the sink as rejected', async (t) => {
  const { kafka, sink, journal } = await start(t);
  const original = message(1, 'bad {"x":1}', 'key-1', { 'trace-id': Buffer.from('t-1') });
  await kafka.current.deliver(2, [message(0, 'a'), original, message(2, 'c')]);
  await waitFor(() => kafka.current.commits.length === 1, 'the commit');

  const [send, ...more] = kafka.producer.delivered;
  assert.ok(send);
  assert.equal(more.length, 0);
  assert.equal(send.topic, DEAD_LETTER_TOPIC);
  const [dead] = send.messages;
  assert.ok(dead);
  assert.deepEqual(dead.key, Buffer.from('key-1'));
  assert.deepEqual(dead.value, Buffer.from('bad {"x":1}'));
  const { [HEADERS.failedAt]: failedAt, ...headers } = dead.headers ?? {};
  assert.deepEqual(headers, {
    'trace-id': Buffer.from('t-1'),
    'dl-reason': 'missing field model_id',
    'dl-code': 'schema_mismatch',
    'dl-source-topic': TOPIC,
    'dl-source-partition': '2',
    'dl-source-offset': '1',
  });
  assert.ok(!Number.isNaN(Date.parse(String(failedAt))), 'failedAt is a timestamp');

  const call = at(sink.calls, 0);
  assert.deepEqual(call.accepted, ['a', 'c']);
  assert.equal(call.rejected.length, 1);
  assert.deepEqual(
    { ...at(call.rejected, 0), failedAtMs: 0 },
    {
      topic: TOPIC,
      partition: 2,
      offset: '1',
      key: Buffer.from('key-1'),
      value: Buffer.from('bad {"x":1}'),
      headers: { 'trace-id': Buffer.from('t-1') },
      code: 'schema_mismatch',
      reason: 'missing field model_id',
      failedAtMs: 0,
    },
  );
  assert.deepEqual(journal, ['dead-letter 1', 'stored', 'commit events/2@3']);
});

test('a decoder that throws makes a dead letter with code decode_error and the consumer goes on with the next message', async (t) => {
  const { kafka, sink } = await start(t);
  await kafka.current.deliver(0, [message(0, 'a'), message(1, 'throw'), message(2, 'c')]);
  await waitFor(() => kafka.current.commits.length === 1, 'the commit');

  const dead = at(at(kafka.producer.delivered, 0).messages, 0);
  assert.equal(dead.headers?.[HEADERS.code], 'decode_error');
  assert.match(String(dead.headers?.[HEADERS.reason]), /unexpected token/);
  assert.equal(dead.headers?.[HEADERS.sourceOffset], '1');
  assert.deepEqual(at(sink.calls, 0).accepted, ['a', 'c']);
  assert.deepEqual(
    at(sink.calls, 0).rejected.map((r) => [r.offset, r.code]),
    [['1', 'decode_error']],
  );
  assert.deepEqual(at(kafka.current.commits, 0), [committed(0, '3')]);
});

test('a dead letter is produced once although the sink fails twice before storing the batch', async (t) => {
  const { kafka, sink, journal } = await start(t);
  sink.failuresLeft = 2;
  await kafka.current.deliver(0, [message(0, 'a'), message(1, 'bad'), message(2, 'c')]);
  await waitFor(() => kafka.current.commits.length === 1, 'the commit');

  assert.equal(sink.calls.length, 3);
  assert.equal(kafka.producer.attempts.length, 1);
  assert.deepEqual(
    journal.filter((e) => e !== 'pause' && e !== 'resume'),
    ['dead-letter 1', 'store failed', 'store failed', 'stored', 'commit events/0@3'],
  );
});

test('dead letters are sent in requests of at most deadLetterChunkBytes of values; a bigger message goes alone', async (t) => {
  const { kafka } = await start(t, { deadLetterChunkBytes: 100, maxBufferedMessages: 5 });
  const sizes = [40, 40, 40, 150, 30];
  await kafka.current.deliver(
    0,
    sizes.map((size, i) => message(i, 'bad'.padEnd(size, '.'))),
  );
  await waitFor(() => kafka.current.commits.length === 1, 'the commit');

  const requests = kafka.producer.delivered.map((send) => send.messages.map((m) => (m.value as Buffer).length));
  assert.deepEqual(requests, [[40, 40], [40], [150], [30]]);
  for (const values of requests)
    assert.ok(values.length === 1 || values.reduce((a, b) => a + b) <= 100, `request of ${values}`);
  const offsets = kafka.producer.delivered.flatMap((send) =>
    send.messages.map((m) => m.headers?.[HEADERS.sourceOffset]),
  );
  assert.deepEqual(offsets, ['0', '1', '2', '3', '4'], 'every dead letter once, in order');
});

test('a dead letter the broker refuses as MESSAGE_TOO_LARGE is re-sent cut to the chunk size, and the reason says so', async (t) => {
  const { kafka, sink } = await start(t, { deadLetterChunkBytes: 100, maxBufferedMessages: 1 });
  kafka.producer.failures = [
    Object.assign(new Error('The request included a message larger than the max message size'), {
      type: 'MESSAGE_TOO_LARGE',
    }),
  ];
  const value = 'bad'.padEnd(150, '.');
  await kafka.current.deliver(0, [message(7, value)]);
  await waitFor(() => kafka.current.commits.length === 1, 'the commit');

  assert.equal(kafka.producer.attempts.length, 2);
  const dead = at(at(kafka.producer.delivered, 0).messages, 0);
  assert.deepEqual(dead.value, Buffer.from(value.slice(0, 100)));
  assert.equal(
    dead.headers?.[HEADERS.reason],
    'missing field model_id [value cut from 150 to 100 bytes for the dead-letter topic]',
  );
  assert.equal(dead.headers?.[HEADERS.sourceOffset], '7');
  assert.deepEqual(
    at(sink.calls, 0).rejected.map((r) => r.value?.length),
    [150],
    'the sink gets the whole value',
  );
});

test('when the dead-letter topic stays unwritable, the batch is stored and committed after 3 attempts and the failure is reported', async (t) => {
  const { kafka, sink, observer } = await start(t);
  kafka.producer.outage = new Error('broker not available');
  await kafka.current.deliver(0, [message(0, 'a'), message(1, 'bad'), message(2, 'c')]);
  await waitFor(() => kafka.current.commits.length === 1, 'the commit');

  assert.equal(kafka.producer.attempts.length, 3);
  assert.equal(sink.calls.length, 1);
  assert.deepEqual(at(sink.calls, 0).accepted, ['a', 'c']);
  assert.deepEqual(
    at(sink.calls, 0).rejected.map((r) => r.offset),
    ['1'],
    'the sink keeps the record',
  );
  assert.deepEqual(observer.deadLetterProduceFailures, [1]);
  assert.deepEqual(at(kafka.current.commits, 0), [committed(0, '3')]);
});

// ---------------------------------------------------------------------------------------------
// 5. Store refusals

test('a value the sink refuses for its content is dead-lettered with code store_refused and recorded as rejected before the commit', async (t) => {
  const { kafka, sink, journal } = await start(t);
  sink.refusals = [[{ index: 1, reason: 'bad row' }]];
  await kafka.current.deliver(0, [message(0, 'a'), message(1, 'b', 'key-b'), message(2, 'c')]);
  await waitFor(() => kafka.current.commits.length === 1, 'the commit');

  const dead = at(at(kafka.producer.delivered, 0).messages, 0);
  assert.deepEqual(dead.value, Buffer.from('b'));
  assert.deepEqual(dead.key, Buffer.from('key-b'));
  assert.equal(dead.headers?.[HEADERS.code], 'store_refused');
  assert.equal(dead.headers?.[HEADERS.reason], 'bad row');
  assert.equal(dead.headers?.[HEADERS.sourceOffset], '1');

  assert.equal(sink.calls.length, 2);
  const second = at(sink.calls, 1);
  assert.deepEqual(second.accepted, []);
  assert.deepEqual(
    second.rejected.map(({ offset, value, code, reason }) => ({ offset, value, code, reason })),
    [{ offset: '1', value: Buffer.from('b'), code: 'store_refused', reason: 'bad row' }],
  );
  assert.deepEqual(journal, ['stored, 1 refused', 'dead-letter 1', 'stored', 'commit events/0@3']);
});

// ---------------------------------------------------------------------------------------------
// 6. Rebalance

test('after a rebalance, offsets of partitions no longer assigned are not committed', async (t) => {
  const { kafka, sink } = await start(t);
  kafka.current.joinGroup({ [TOPIC]: [0, 1] });
  const release = sink.hold();
  await kafka.current.deliver(0, messages(0, 2));
  await kafka.current.deliver(1, messages(0, 1));
  await waitFor(() => sink.calls.length === 1, 'the store of both partitions');

  kafka.current.joinGroup({ [TOPIC]: [0] });
  release();
  await waitFor(() => kafka.current.commits.length === 1, 'the commit');
  assert.deepEqual(kafka.current.commits, [[committed(0, '2')]]);
});

// ---------------------------------------------------------------------------------------------
// 7. Crash, restart, health

test('a consumer kafkajs gave up on (crash without restart) is replaced by a new one after backoff', async (t) => {
  const { kafka, observer } = await start(t, { restartMaxMs: 20 });
  const first = kafka.current;
  first.crash(new Error('coordinator not available'), false);
  assert.deepEqual(observer.crashes, [false]);

  await waitFor(
    () => observer.restarts === 1 && kafka.consumers.length === 2 && kafka.current.running,
    'the new consumer to run',
  );
  assert.notEqual(kafka.current, first);
  assert.deepEqual(kafka.current.subscribedTo, [TOPIC]);

  // buffered rows and offsets go on through the new consumer
  await kafka.current.deliver(0, messages(0, 3));
  await waitFor(() => kafka.current.commits.length === 1, 'the commit through the new consumer');
  assert.deepEqual(first.commits, []);
});

test('a crash kafkajs restarts itself does not make a new consumer', async (t) => {
  const { kafka, observer } = await start(t, { restartMaxMs: 20 });
  kafka.current.crash(new Error('request timed out'), true);
  assert.deepEqual(observer.crashes, [true]);
  await quietPeriod(100); // 5 times the restart delay
  assert.equal(kafka.consumers.length, 1);
  assert.equal(observer.restarts, 0);
});

test('liveness fails when the consumer stays down longer than stuckAfterMs', async (t) => {
  const { consumer, kafka, observer } = await start(
    t,
    { restartMaxMs: 20, stuckAfterMs: 50 },
    (k) => (k.connectFailsFrom = 1),
  );
  kafka.current.joinGroup({ [TOPIC]: [0] });
  assert.equal(consumer.health().live, true);
  const crashedAt = Date.now();
  kafka.current.crash(new Error('coordinator not available'), false);
  assert.equal(consumer.health().live, true, 'down for less than stuckAfterMs');

  await waitFor(() => !consumer.health().live, 'liveness to fail');
  assert.ok(Date.now() - crashedAt >= 50);
  assert.match(consumer.health().reason ?? '', /consumer down .*restart failed: connect ECONNREFUSED/);
  assert.ok(observer.restarts >= 1 && kafka.consumers.length >= 2, 'restarts were tried');
});

test('readiness fails while the store fails and comes back when it recovers', async (t) => {
  const { consumer, kafka, sink } = await start(t, { maxBufferedMessages: 1 });
  kafka.current.joinGroup({ [TOPIC]: [0] });
  assert.deepEqual(consumer.health(), { live: true, ready: true, reason: undefined });
  sink.outage = true;
  await kafka.current.deliver(0, messages(0, 1));
  await waitFor(() => !consumer.health().ready, 'readiness to fail');
  assert.equal(consumer.health().live, true);
  assert.equal(consumer.health().reason, 'ClickHouse unavailable');

  sink.outage = false;
  await waitFor(() => consumer.health().ready, 'readiness to come back');
  await waitFor(() => kafka.current.commits.length === 1, 'the commit');
});

// ---------------------------------------------------------------------------------------------
// 8. Shutdown

test('stop() returns within shutdownTimeoutMs when the store never finishes, and commits nothing', async (t) => {
  const { consumer, kafka, sink, journal } = await start(t, { shutdownTimeoutMs: 300 });
  sink.hang = true;
  await kafka.current.deliver(0, messages(0, 3));
  await kafka.current.deliver(0, messages(3, 1));
  await waitFor(() => sink.calls.length === 1, 'the store to start');

  const started = Date.now();
  await consumer.stop();
  assert.ok(Date.now() - started <= 300 + 100, `stop() took ${Date.now() - started} ms`);
  assert.deepEqual(kafka.current.commits, []);
  assert.ok(journal.includes('disconnect consumer') && journal.includes('disconnect producer'));
});

test('stop() stops fetching, flushes what is buffered, commits it, then disconnects consumer and producer', async (t) => {
  const { consumer, kafka, sink, journal } = await start(t, { maxBufferedMessages: 10, maxBufferAgeMs: 10_000 });
  await kafka.current.deliver(0, messages(0, 2));
  await kafka.current.deliver(1, messages(7, 1));
  assert.equal(sink.calls.length, 0, 'below every flush threshold');

  await consumer.stop();
  assert.deepEqual(at(sink.calls, 0).accepted, ['v0', 'v1', 'v7']);
  assert.deepEqual(kafka.current.commits, [[committed(0, '2'), committed(1, '8')]]);
  assert.deepEqual(journal, [
    'pause',
    'stored',
    'commit events/0@2 events/1@8',
    'disconnect consumer',
    'disconnect producer',
  ]);
});

test('stop() during a store outage, while a batch is still in eachBatch, ends without an unhandled rejection', async (t) => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  t.after(() => process.off('unhandledRejection', onUnhandled));
  const { consumer, kafka, sink } = await start(t, { maxBufferedMessages: 1, shutdownTimeoutMs: 200 });
  sink.outage = true;
  const slowHeartbeat = deferred();
  const batch = kafka.current.deliver(0, messages(0, 1), { heartbeat: slowHeartbeat.promise });
  await waitFor(() => sink.calls.length >= 1, 'the first failed store');

  const started = Date.now();
  await consumer.stop();
  slowHeartbeat.resolve();
  await batch;
  assert.ok(Date.now() - started <= 200 + 100, `stop() took ${Date.now() - started} ms`);
  assert.deepEqual(kafka.current.commits, []);
  assert.deepEqual(unhandled.map(String), []);
});

test('stop() while a crashed consumer is being replaced leaves no consumer running', async (t) => {
  const { consumer, kafka } = await start(t, { restartMaxMs: 20 });
  const first = kafka.current;
  const slowDisconnect = deferred();
  first.slowDisconnect = slowDisconnect.promise;
  first.crash(new Error('coordinator not available'), false);
  await waitFor(() => first.disconnects === 1, 'the restart to disconnect the crashed consumer');

  await consumer.stop();
  slowDisconnect.resolve();
  await quietPeriod(50); // the restart would create, connect and run a new consumer within a few ms
  assert.deepEqual(
    kafka.consumers.filter((c) => c.running && c.disconnects === 0).length,
    0,
    `${kafka.consumers.length} consumers made; one runs although stop() returned`,
  );
});

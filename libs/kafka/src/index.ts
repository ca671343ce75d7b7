// Public API of @driftwatch/kafka: our thin wrapper over kafkajs (every codec, topics, security),
// the commit-after-write consumer and dead-letter replay. What other packages use, nothing more.
export {
  consoleLog,
  createKafka,
  describeKafka,
  ensureTopics,
  kafkaSettingsFromEnv,
  refusedAsTooLarge,
  type KafkaSettings,
  type LogSink,
} from './kafka';
export {
  CommitAfterWriteConsumer,
  type ConsumerObserver,
  type DecodeResult,
  type RejectedMessage,
  type StoreRefusal,
} from './commit-after-write-consumer';
export { kafkaSecurityFromEnv, type KafkaSecurity } from './security';
export { replayDeadLetters, type ReplayFilter, type ReplayReport } from './replay';

export * from './kafka';
export * from './commit-after-write-consumer';
export { registerCompressionCodecs } from './codecs';
export { kafkaSecurityFromEnv, type KafkaSecurity } from './security';
export { replayDeadLetters, type ReplayFilter, type ReplayReport } from './replay';

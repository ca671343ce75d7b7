export * from './kafka';
export * from './commit-after-write-consumer';
export { registerCompressionCodecs } from './codecs';
export { replayDeadLetters, type ReplayFilter, type ReplayReport } from './replay';

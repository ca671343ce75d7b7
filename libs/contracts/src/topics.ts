/**
 * Kafka topic names, defined once. A prefix lets several installations (or test runs) share a
 * broker; the default names are `driftwatch.predictions`, `driftwatch.features`,
 * `driftwatch.labels` and `driftwatch.dead-letter`.
 */
export type EventKind = 'prediction' | 'features' | 'label';

export const EVENT_KINDS: readonly EventKind[] = ['prediction', 'features', 'label'];

export interface TopicNames {
  prediction: string;
  features: string;
  label: string;
  deadLetter: string;
}

export const DEFAULT_TOPIC_PREFIX = 'driftwatch';

/** A topic prefix: letters, digits and `_ . -`, 1 to 100 characters (Kafka allows 249 for a whole topic name). */
export const TOPIC_PREFIX_CHARS = '[A-Za-z0-9_.-]{1,100}';
export const TOPIC_PREFIX_RE = new RegExp(`^${TOPIC_PREFIX_CHARS}$`);

export function topicNames(prefix: string = DEFAULT_TOPIC_PREFIX): TopicNames {
  if (!TOPIC_PREFIX_RE.test(prefix)) {
    throw new Error(`topic prefix '${prefix}' must match ${TOPIC_PREFIX_CHARS}`);
  }
  return {
    prediction: `${prefix}.predictions`,
    features: `${prefix}.features`,
    label: `${prefix}.labels`,
    deadLetter: `${prefix}.dead-letter`,
  };
}

/** Which event kind a topic carries, or undefined for a topic that is not ours. */
export function kindOfTopic(names: TopicNames, topic: string): EventKind | undefined {
  if (topic === names.prediction) return 'prediction';
  if (topic === names.features) return 'features';
  if (topic === names.label) return 'label';
  return undefined;
}

/** Headers the ingest service puts on a dead-lettered message (its value is the original bytes). */
export const DEAD_LETTER_HEADERS = {
  reason: 'dw-error',
  code: 'dw-error-code',
  sourceTopic: 'dw-source-topic',
  sourcePartition: 'dw-source-partition',
  sourceOffset: 'dw-source-offset',
  failedAt: 'dw-failed-at',
} as const;

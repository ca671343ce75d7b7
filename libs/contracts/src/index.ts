// Public API of @driftwatch/contracts: the events, their limits and the topics that carry them,
// defined once for the SDK and the ingest service. What other packages use, nothing more.
export type { Accepted, AnyAccepted, FeatureValues } from './events';
export { DEFAULT_SKEW, LIMITS, NAME_RE, type SkewLimits } from './limits';
export {
  DEAD_LETTER_HEADERS,
  DEFAULT_TOPIC_PREFIX,
  kindOfTopic,
  TOPIC_PREFIX_CHARS,
  TOPIC_PREFIX_RE,
  topicNames,
  type EventKind,
  type TopicNames,
} from './topics';
export { decodeEvent, REJECT_CODES, validateEvent, type RejectCode } from './validate';

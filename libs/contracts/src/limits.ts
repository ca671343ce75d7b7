const MAX_NAME_LENGTH = 128;

/**
 * Limits every event must respect. Defined once: the SDK checks them before sending and the
 * ingest service checks them again (a producer may not use our SDK). The JSON Schemas in
 * ./schemas carry them too, for producers in other languages; schemas.test.ts checks they agree.
 */
export const LIMITS = {
  /** Model, version and feature names: letters, digits and `_ . : -`, 1 to maxNameLength characters. */
  namePattern: `^[A-Za-z0-9_.:-]{1,${MAX_NAME_LENGTH}}$`,
  maxNameLength: MAX_NAME_LENGTH,
  /** At most this many features in one event. */
  maxFeatures: 1000,
  /** A serialized event (the Kafka message value) is at most 1 MiB. */
  maxMessageBytes: 1024 * 1024,
  /** String values of categorical features, predictions and labels. */
  maxStringValueLength: 4096,
  /** Default accepted clock skew: events up to 30 days old (labels arrive late) and 5 minutes ahead. */
  defaultMaxPastMs: 30 * 24 * 3600 * 1000,
  defaultMaxFutureMs: 5 * 60 * 1000,
} as const;

export const NAME_RE = new RegExp(LIMITS.namePattern);

export interface SkewLimits {
  maxPastMs: number;
  maxFutureMs: number;
}

export const DEFAULT_SKEW: SkewLimits = {
  maxPastMs: LIMITS.defaultMaxPastMs,
  maxFutureMs: LIMITS.defaultMaxFutureMs,
};

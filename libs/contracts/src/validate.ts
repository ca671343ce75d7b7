import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import predictionSchema from './schemas/prediction.v1.json';
import featuresSchema from './schemas/features.v1.json';
import labelSchema from './schemas/label.v1.json';
import type { AnyAccepted, EventByKind } from './events';
import { DEFAULT_SKEW, LIMITS, type SkewLimits } from './limits';
import type { EventKind } from './topics';

/** Why an event was refused; the code is stable (metrics, dead-letter headers), the message is for people. */
export type RejectCode =
  | 'oversize'
  | 'malformed_json'
  | 'not_an_object'
  | 'bad_name'
  | 'too_many_features'
  | 'schema'
  | 'timestamp_skew'
  | 'unknown_topic';

export interface Rejection {
  ok: false;
  code: RejectCode;
  reason: string;
}

export type Decoded = ({ ok: true } & AnyAccepted) | Rejection;

export const SCHEMAS = {
  prediction: predictionSchema,
  features: featuresSchema,
  label: labelSchema,
} as const;

const ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true });
const validators: { [K in EventKind]: ValidateFunction<EventByKind[K]> } = {
  prediction: ajv.compile<EventByKind['prediction']>(predictionSchema),
  features: ajv.compile<EventByKind['features']>(featuresSchema),
  label: ajv.compile<EventByKind['label']>(labelSchema),
};

function show(value: unknown): string {
  const text = typeof value === 'number' && !Number.isFinite(value) ? String(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function valueAt(root: unknown, pointer: string): unknown {
  let cur: unknown = root;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** Turns ajv's first error into a code and a sentence that names the field and the offending value. */
function describe(error: ErrorObject, event: unknown): Rejection {
  const field = error.instancePath ? error.instancePath.slice(1).replace(/\//g, '.') : '(event)';
  if (error.keyword === 'maxProperties' && /features$|probabilities$/.test(error.instancePath)) {
    const count = Object.keys(valueAt(event, error.instancePath) as object).length;
    return { ok: false, code: 'too_many_features', reason: `${field}: ${count} entries, at most ${LIMITS.maxFeatures} allowed` };
  }
  // ajv marks errors raised inside `propertyNames` with the offending key
  const badKey = (error as ErrorObject & { propertyName?: string }).propertyName;
  if (badKey !== undefined || (error.keyword === 'pattern' && /^\/(model|model_version)$/.test(error.instancePath))) {
    const name = badKey ?? valueAt(event, error.instancePath);
    return {
      ok: false,
      code: 'bad_name',
      reason: `${field}: name ${show(name)} is not allowed; names match ${LIMITS.namePattern}`,
    };
  }
  if (error.keyword === 'additionalProperties') {
    const extra = (error.params as { additionalProperty: string }).additionalProperty;
    return { ok: false, code: 'schema', reason: `${field}: unknown field ${show(extra)}` };
  }
  if (error.keyword === 'required') {
    const missing = (error.params as { missingProperty: string }).missingProperty;
    return { ok: false, code: 'schema', reason: `${field}: missing required field '${missing}'` };
  }
  const value = error.instancePath ? valueAt(event, error.instancePath) : undefined;
  if (error.keyword === 'type') {
    const expected = ([] as string[]).concat((error.params as { type: string | string[] }).type).join(' or ');
    return { ok: false, code: 'schema', reason: `${field}: has the wrong type, expected ${expected} (got ${show(value)})` };
  }
  if (error.instancePath === '/timestamp') {
    return { ok: false, code: 'schema', reason: `timestamp: must be an ISO-8601 date-time with a zone, or epoch milliseconds (got ${show(value)})` };
  }
  const got = error.instancePath ? ` (got ${show(value)})` : '';
  return { ok: false, code: 'schema', reason: `${field}: ${error.message ?? 'is invalid'}${got}` };
}

const ISO_PARTS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})/;

/**
 * Epoch milliseconds of a schema-valid timestamp, or NaN for a date that does not exist
 * (Date.parse would silently turn 2026-02-31 into March 3rd).
 */
export function timestampToMs(ts: string | number): number {
  if (typeof ts === 'number') return ts;
  const m = ISO_PARTS.exec(ts);
  if (!m) return Number.NaN;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) return Number.NaN;
  return Date.parse(ts);
}

/**
 * Validates an already-parsed event of the given kind and resolves its timestamp.
 * Used by the SDK before sending and by `decodeEvent` after parsing.
 */
export function validateEvent(kind: EventKind, event: unknown, skew: SkewLimits = DEFAULT_SKEW, now = Date.now()): Decoded {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) {
    return { ok: false, code: 'not_an_object', reason: `a ${kind} event must be a JSON object, got ${show(event)}` };
  }
  const validate = validators[kind];
  if (!validate(event)) return describe(validate.errors![0]!, event);
  const ms = timestampToMs(event.timestamp);
  if (!Number.isFinite(ms)) {
    return { ok: false, code: 'schema', reason: `timestamp: not a valid date-time (got ${show(event.timestamp)})` };
  }
  if (ms < now - skew.maxPastMs || ms > now + skew.maxFutureMs) {
    return {
      ok: false,
      code: 'timestamp_skew',
      reason: `timestamp: ${new Date(ms).toISOString()} is outside the accepted window (${skew.maxPastMs / 1000}s before to ${skew.maxFutureMs / 1000}s after now)`,
    };
  }
  // the parsed object is ours: annotate it in place rather than copy it (hot path of ingest)
  const accepted = Object.assign(event, { timestamp_ms: ms });
  return { ok: true, kind, event: accepted } as Decoded;
}

/** Decodes one Kafka message value: size, UTF-8 JSON, schema, limits. Never throws. */
export function decodeEvent(kind: EventKind, bytes: Buffer | null, skew: SkewLimits = DEFAULT_SKEW, now = Date.now()): Decoded {
  if (bytes === null || bytes.length === 0) {
    return { ok: false, code: 'malformed_json', reason: 'empty message value' };
  }
  if (bytes.length > LIMITS.maxMessageBytes) {
    return { ok: false, code: 'oversize', reason: `message is ${bytes.length} bytes, at most ${LIMITS.maxMessageBytes} allowed` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    return { ok: false, code: 'malformed_json', reason: `not valid JSON: ${(err as Error).message}` };
  }
  return validateEvent(kind, parsed, skew, now);
}

import { isUtf8 } from 'node:buffer';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import predictionSchema from './schemas/prediction.v1.json';
import featuresSchema from './schemas/features.v1.json';
import labelSchema from './schemas/label.v1.json';
import type { AnyAccepted, EventByKind } from './events';
import { DEFAULT_SKEW, LIMITS, type SkewLimits } from './limits';
import type { EventKind } from './topics';

/**
 * Why an event was refused; the code is stable (metrics, dead-letter headers, the README's list),
 * the reason is for people. The last three are given by the ingest service rather than by
 * `decodeEvent`: a message on a topic that carries no events, an exception that escaped a decoder
 * (a bug of ours, still never a stop), and a row ClickHouse refused to store.
 */
export const REJECT_CODES = [
  'oversize',
  'malformed_json',
  'invalid_utf8',
  'not_an_object',
  'bad_name',
  'too_many_features',
  'schema',
  'unstorable_value',
  'timestamp_skew',
  'unknown_topic',
  'decode_error',
  'store_refused',
] as const;
export type RejectCode = (typeof REJECT_CODES)[number];

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
  let text: string;
  try {
    text =
      typeof value === 'number' && !Number.isFinite(value) ? String(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = Array.isArray(value) ? '[an array nested too deep to print]' : '[a value too deep to print]';
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * The first value ClickHouse could not store faithfully, in an event the schema accepted (the
 * schema fixes the shape: scalars at the top, objects of scalars one level down). A string with a
 * lone UTF-16 surrogate (half an emoji cut by a `.slice()`) is refused by ClickHouse for the whole
 * insert; a number beyond the double range (1e400 parses to Infinity) would be stored as NaN.
 */
function unstorable(event: object): string | undefined {
  for (const [field, value] of Object.entries(event)) {
    const problem =
      unstorableScalar(value) ?? (value !== null && typeof value === 'object' ? unstorableMember(value) : undefined);
    if (problem) return `${field}${problem}`;
  }
  return undefined;
}

function unstorableMember(object: object): string | undefined {
  for (const [key, value] of Object.entries(object)) {
    const problem = unstorableScalar(value);
    if (problem) return `.${key}${problem}`;
  }
  return undefined;
}

function unstorableScalar(value: unknown): string | undefined {
  if (typeof value === 'string' && !value.isWellFormed()) {
    return `: text with an unpaired UTF-16 surrogate (half of a character such as an emoji) cannot be stored (got ${show(value)})`;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return `: ${value} is outside the range of a 64-bit float`;
  return undefined;
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
    return {
      ok: false,
      code: 'too_many_features',
      reason: `${field}: ${count} entries, at most ${LIMITS.maxFeatures} allowed`,
    };
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
    return {
      ok: false,
      code: 'schema',
      reason: `${field}: has the wrong type, expected ${expected} (got ${show(value)})`,
    };
  }
  if (error.instancePath === '/timestamp') {
    return {
      ok: false,
      code: 'schema',
      reason: `timestamp: must be an ISO-8601 date-time with a zone, or epoch milliseconds (got ${show(value)})`,
    };
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
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59)
    return Number.NaN;
  return Date.parse(ts);
}

/**
 * Validates an already-parsed event of the given kind and resolves its timestamp.
 * Used by the SDK before sending and by `decodeEvent` after parsing.
 */
export function validateEvent(
  kind: EventKind,
  event: unknown,
  skew: SkewLimits = DEFAULT_SKEW,
  now = Date.now(),
): Decoded {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) {
    return { ok: false, code: 'not_an_object', reason: `a ${kind} event must be a JSON object, got ${show(event)}` };
  }
  const validate = validators[kind];
  if (!validate(event)) return describe(validate.errors![0]!, event);
  const problem = unstorable(event);
  if (problem) return { ok: false, code: 'unstorable_value', reason: problem };
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

/**
 * Decodes one Kafka message value: size, UTF-8, JSON, schema, limits. Never throws: whatever the
 * bytes (deep nesting, huge key counts, invalid UTF-8 or UTF-16, `__proto__` keys), the answer is
 * an accepted event or a rejection with its code.
 */
export function decodeEvent(
  kind: EventKind,
  bytes: Buffer | null,
  skew: SkewLimits = DEFAULT_SKEW,
  now = Date.now(),
): Decoded {
  try {
    return decodeUnguarded(kind, bytes, skew, now);
  } catch (err) {
    return {
      ok: false,
      code: 'decode_error',
      reason: `could not be decoded: ${String((err as Error)?.message ?? err)}`,
    };
  }
}

function decodeUnguarded(kind: EventKind, bytes: Buffer | null, skew: SkewLimits, now: number): Decoded {
  if (bytes === null || bytes.length === 0) {
    return { ok: false, code: 'malformed_json', reason: 'empty message value' };
  }
  if (bytes.length > LIMITS.maxMessageBytes) {
    return {
      ok: false,
      code: 'oversize',
      reason: `message is ${bytes.length} bytes, at most ${LIMITS.maxMessageBytes} allowed`,
    };
  }
  if (!isUtf8(bytes)) {
    // Buffer#toString would silently replace the bad bytes with U+FFFD (e.g. Latin-1 text from an old producer)
    return {
      ok: false,
      code: 'invalid_utf8',
      reason: `not valid UTF-8 (${utf8ErrorAt(bytes)}); events are UTF-8 JSON`,
    };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    return { ok: false, code: 'malformed_json', reason: `not valid JSON: ${(err as Error).message}` };
  }
  return validateEvent(kind, parsed, skew, now);
}

/** Where the first invalid UTF-8 sequence starts, for the reason text. */
function utf8ErrorAt(bytes: Buffer): string {
  let at = 0;
  while (at < bytes.length) {
    const lead = bytes[at] ?? 0;
    const length =
      lead < 0x80
        ? 1
        : lead >= 0xc2 && lead < 0xe0
          ? 2
          : lead >= 0xe0 && lead < 0xf0
            ? 3
            : lead >= 0xf0 && lead < 0xf5
              ? 4
              : 0;
    if (length === 0 || at + length > bytes.length || !isUtf8(bytes.subarray(at, at + length))) break;
    at += length;
  }
  return `first bad byte 0x${(bytes[at] ?? 0).toString(16).padStart(2, '0')} at offset ${at}`;
}

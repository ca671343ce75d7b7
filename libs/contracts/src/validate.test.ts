import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeEvent, validateEvent } from './validate';
import { LIMITS } from './limits';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const base = {
  event_id: '123e4567-e89b-42d3-a456-426614174000',
  model: 'm',
  model_version: 'v1',
  timestamp: '2026-06-01T11:59:00.250Z',
  latency_ms: 3,
  status: 'ok',
  prediction: 1,
};

test('a valid prediction is accepted and its timestamp resolved to epoch ms', () => {
  const r = validateEvent('prediction', { ...base, features: { a: 1, b: 'x', c: null } }, undefined, NOW);
  assert.ok(r.ok);
  assert.equal(r.event.timestamp_ms, Date.parse('2026-06-01T11:59:00.250Z'));
  const epoch = validateEvent('prediction', { ...base, timestamp: NOW - 5 }, undefined, NOW);
  assert.ok(epoch.ok && epoch.event.timestamp_ms === NOW - 5);
  const offset = validateEvent('prediction', { ...base, timestamp: '2026-06-01T13:30:00+02:00' }, undefined, NOW);
  assert.ok(offset.ok && offset.event.timestamp_ms === Date.parse('2026-06-01T11:30:00Z'));
});

test('each kind of bad event gets its own code and a reason that names the field and value', () => {
  const cases: [string, unknown, string, RegExp][] = [
    ['prediction', { ...base, latency_ms: -1 }, 'schema', /latency_ms: must be >= 0 \(got -1\)/],
    ['prediction', { ...base, latency_ms: Number.NaN }, 'schema', /latency_ms: .*got NaN/],
    ['prediction', { ...base, status: 'maybe' }, 'schema', /status: .*allowed values \(got "maybe"\)/],
    ['prediction', { ...base, event_id: 'not-a-uuid' }, 'schema', /event_id: must match pattern/],
    ['prediction', { ...base, model: '' }, 'bad_name', /model: name "" is not allowed/],
    ['prediction', { ...base, model: 'a'.repeat(129) }, 'bad_name', /model: name "a{20}/],
    ['prediction', { ...base, model_version: 'v1; DROP' }, 'bad_name', /model_version: name "v1; DROP"/],
    ['prediction', { ...base, features: { ok_name: 1, 'bad name': 2 } }, 'bad_name', /features: name "bad name"/],
    ['prediction', { ...base, features: { a: [1] } }, 'schema', /features\.a: has the wrong type/],
    [
      'prediction',
      { ...base, prediction: true },
      'schema',
      /prediction: has the wrong type, expected number or string \(got true\)/,
    ],
    [
      'prediction',
      { ...base, timestamp: '2026-06-01 11:59:00' },
      'schema',
      /timestamp: must be an ISO-8601 date-time with a zone/,
    ],
    ['prediction', { ...base, timestamp: 1.5 }, 'schema', /timestamp: has the wrong type, expected string or integer/],
    ['prediction', { ...base, timestamp: '2026-02-31T00:00:00Z' }, 'schema', /timestamp: not a valid date-time/],
    ['prediction', { ...base, timestamp: NOW + 10 * 60_000 }, 'timestamp_skew', /outside the accepted window/],
    ['prediction', { ...base, surprise: 1 }, 'schema', /unknown field "surprise"/],
    ['features', { ...base }, 'schema', /unknown field|missing required field 'features'/],
    ['label', { event_id: base.event_id, model: 'm', timestamp: NOW }, 'schema', /missing required field 'label'/],
    ['label', 'a string', 'not_an_object', /must be a JSON object/],
  ];
  for (const [kind, event, code, reason] of cases) {
    const r = validateEvent(kind as 'prediction', event, undefined, NOW);
    assert.equal(r.ok, false, `${JSON.stringify(event).slice(0, 80)} must be refused`);
    if (!r.ok) {
      assert.equal(r.code, code, `code for ${r.reason}`);
      assert.match(r.reason, reason);
    }
  }
});

test('feature count limit: 1000 accepted, 1001 refused with too_many_features', () => {
  const features = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`f${i}`, i]));
  assert.ok(
    validateEvent(
      'features',
      { ...base, latency_ms: undefined, features: features(LIMITS.maxFeatures) },
      undefined,
      NOW,
    ).ok === false,
  ); // latency_ms is not a features field
  const { latency_ms: _l, status: _s, prediction: _p, ...featuresBase } = base;
  assert.ok(validateEvent('features', { ...featuresBase, features: features(1000) }, undefined, NOW).ok);
  const over = validateEvent('features', { ...featuresBase, features: features(1001) }, undefined, NOW);
  assert.deepEqual(over.ok ? undefined : [over.code, over.reason], [
    'too_many_features',
    'features: 1001 entries, at most 1000 allowed',
  ]);
});

test('decodeEvent refuses oversize, empty and malformed messages before parsing them', () => {
  const big = Buffer.alloc(LIMITS.maxMessageBytes + 1, 0x20);
  assert.equal((decodeEvent('prediction', big, undefined, NOW) as { code: string }).code, 'oversize');
  assert.equal((decodeEvent('prediction', null, undefined, NOW) as { code: string }).code, 'malformed_json');
  assert.equal(
    (decodeEvent('prediction', Buffer.from('{"a":'), undefined, NOW) as { code: string }).code,
    'malformed_json',
  );
  const ok = decodeEvent('prediction', Buffer.from(JSON.stringify(base)), undefined, NOW);
  assert.ok(ok.ok && ok.kind === 'prediction');
});

// Hostile input from producers that are not our SDK (issue 8): every case is an answer, never an exception.
const bytes = (text: string) => Buffer.from(text, 'utf8');
const wire = (event: object) => bytes(JSON.stringify(event));

test('a lone UTF-16 surrogate (half an emoji) is refused at validation, in any string field', () => {
  for (const [field, event] of [
    ['features.comment', { ...base, features: { comment: 'nice \ud83d' } }],
    ['prediction', { ...base, prediction: '\ude00 cat' }],
  ] as const) {
    const r = decodeEvent('prediction', wire(event), undefined, NOW);
    assert.equal(r.ok, false, field);
    assert.ok(!r.ok && r.code === 'unstorable_value', `${field}: ${JSON.stringify(r)}`);
    assert.match(
      !r.ok ? r.reason : '',
      new RegExp(`^${field.replace('.', '\\.')}: text with an unpaired UTF-16 surrogate`),
    );
  }
  const label = validateEvent(
    'label',
    { event_id: base.event_id, model: 'm', timestamp: NOW, label: 'x\ud800' },
    undefined,
    NOW,
  );
  assert.ok(!label.ok && label.code === 'unstorable_value');
  // a whole emoji is fine
  assert.ok(
    decodeEvent('prediction', wire({ ...base, features: { comment: 'nice \ud83d\ude00' } }), undefined, NOW).ok,
  );
});

test('numbers beyond the double range (1e400) are refused instead of stored as NaN', () => {
  // JSON.parse makes them Infinity; ClickHouse would store the null JSON.stringify writes as NaN
  const r = decodeEvent(
    'prediction',
    bytes(JSON.stringify(base).replace('"prediction":1', '"prediction":1,"score":1e400')),
    undefined,
    NOW,
  );
  assert.ok(!r.ok && /^score: .*Infinity/.test(r.reason), JSON.stringify(r));
  const f = decodeEvent(
    'prediction',
    bytes(JSON.stringify({ ...base, features: { x: 0 } }).replace('"x":0', '"x":-1e999')),
    undefined,
    NOW,
  );
  assert.ok(!f.ok && /^features\.x: .*-Infinity/.test(f.reason), JSON.stringify(f));
});

test('a value nested 100,000 deep is a schema refusal, not a stack overflow', () => {
  const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
  const r = decodeEvent(
    'prediction',
    bytes(JSON.stringify({ ...base, features: { x: 0 } }).replace('"x":0', `"x":${deep}`)),
    undefined,
    NOW,
  );
  assert.ok(!r.ok && r.code === 'schema', JSON.stringify(r));
  assert.match(!r.ok ? r.reason : '', /features\.x: has the wrong type.*too deep to print/);
  const top = decodeEvent('prediction', bytes(deep), undefined, NOW);
  assert.ok(!top.ok && top.code === 'not_an_object', JSON.stringify(top));
});

test('bytes that are not UTF-8 are refused with where they go wrong, not silently repaired', () => {
  const latin1 = Buffer.from(
    JSON.stringify({ ...base, features: { city: 'Zurich' } }).replace('Zurich', 'Z\u00fcrich'),
    'latin1',
  );
  const r = decodeEvent('prediction', latin1, undefined, NOW);
  assert.ok(!r.ok && r.code === 'invalid_utf8', JSON.stringify(r));
  assert.match(!r.ok ? r.reason : '', /first bad byte 0xfc at offset \d+/);
});

test('prototype keys and huge key counts are ordinary data', () => {
  const proto = decodeEvent(
    'prediction',
    bytes(
      JSON.stringify(base).replace(
        '"prediction":1',
        '"prediction":1,"features":{"__proto__":1,"constructor":"x","toString":null}',
      ),
    ),
    undefined,
    NOW,
  );
  assert.ok(proto.ok && proto.kind === 'prediction', JSON.stringify(proto));
  assert.deepEqual(Object.keys(proto.event.features ?? {}), ['__proto__', 'constructor', 'toString']);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  const many = `{${Array.from({ length: 200_000 }, (_, i) => `"k${i}":${i}`).join(',')}}`;
  const r = decodeEvent(
    'prediction',
    bytes(JSON.stringify({ ...base, features: { x: 0 } }).replace('{"x":0}', many)),
    undefined,
    NOW,
  );
  assert.ok(!r.ok && (r.code === 'oversize' || r.code === 'too_many_features'), JSON.stringify(r).slice(0, 200));
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LIMITS } from './limits';
import { SCHEMAS } from './validate';

/**
 * The JSON Schemas are the contract for producers in any language, so they spell the limits out;
 * LIMITS is where they are defined. Here the schemas' shared definitions are generated from LIMITS
 * and every schema must hold exactly them, so a limit changed in one place only fails this test.
 */
const NAME = { type: 'string', pattern: LIMITS.namePattern };
const SHARED_DEFINITIONS: Record<string, unknown> = {
  uuid: { type: 'string', pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' },
  name: NAME,
  timestamp: {
    description: 'ISO-8601 date-time with a zone (Z or +hh:mm), or epoch milliseconds',
    type: ['string', 'integer'],
    pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})$',
    minimum: 0,
    maximum: 253402300799999,
  },
  scalar: { type: ['number', 'string'], maxLength: LIMITS.maxStringValueLength },
  features: {
    type: 'object',
    maxProperties: LIMITS.maxFeatures,
    propertyNames: { $ref: '#/definitions/name' },
    additionalProperties: { type: ['number', 'string', 'null'], maxLength: LIMITS.maxStringValueLength },
  },
};

for (const [kind, schema] of Object.entries(SCHEMAS)) {
  test(`the ${kind} schema's definitions are the ones generated from LIMITS`, () => {
    const definitions = schema.definitions as Record<string, unknown>;
    for (const [name, definition] of Object.entries(definitions)) {
      assert.ok(name in SHARED_DEFINITIONS, `definitions.${name} is not a shared definition`);
      assert.deepEqual(definition, SHARED_DEFINITIONS[name], `definitions.${name}`);
    }
  });
}

test('every limit a schema states outside its definitions is a LIMITS value', () => {
  const found: string[] = [];
  const walk = (node: unknown, path: string): void => {
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      const at = `${path}.${key}`;
      if (key === 'maxProperties') assert.equal(value, LIMITS.maxFeatures, at);
      if (key === 'maxLength') assert.equal(value, LIMITS.maxStringValueLength, at);
      if (key === 'maxProperties' || key === 'maxLength') found.push(at);
      if (key !== 'definitions') walk(value, at);
    }
  };
  for (const [kind, schema] of Object.entries(SCHEMAS)) walk(schema, kind);
  assert.deepEqual(found, ['prediction.properties.probabilities.maxProperties']);
});

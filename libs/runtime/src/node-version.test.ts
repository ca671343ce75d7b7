import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SUPPORTED_NODE, satisfies, unsupportedNodeMessage } from './node-version';

test('Node versions with require(esm) on by default are supported, the others are not', () => {
  const supported = ['20.19.0', 'v20.19.5', '20.20.2', '22.12.0', '22.20.1', '23.0.0', '24.3.0'];
  const unsupported = ['18.20.8', '20.0.0', '20.18.3', '21.7.3', '22.0.0', '22.11.0'];
  for (const v of supported) assert.equal(satisfies(v), true, v);
  for (const v of unsupported) assert.equal(satisfies(v), false, v);
});

test('the message names the program, the range and the version found', () => {
  assert.equal(
    unsupportedNodeMessage('driftwatch ingest', '22.11.0'),
    `driftwatch ingest needs Node.js ${SUPPORTED_NODE} (20.19 or newer on 20, 22.12 or newer); this is 22.11.0`,
  );
  assert.equal(unsupportedNodeMessage('driftwatch ingest', '20.19.0'), undefined);
  assert.equal(unsupportedNodeMessage('driftwatch', process.versions.node), undefined, 'the Node running these tests');
});

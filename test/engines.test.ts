import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { nodeSatisfies, SUPPORTED_NODE } from '@driftwatch/runtime';
import { repoRoot } from './support/paths';

// The Node.js range is stated for npm (package.json "engines") and checked by the programs at
// start (libs/runtime SUPPORTED_NODE): the two must say the same.
test('package.json "engines" states the Node.js range the services and the CLI check at start', () => {
  const pkg = JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as { engines?: { node?: string } };
  assert.equal(pkg.engines?.node, SUPPORTED_NODE);
  assert.ok(
    nodeSatisfies(process.versions.node),
    `the Node.js running the tests (${process.versions.node}) is supported`,
  );
});

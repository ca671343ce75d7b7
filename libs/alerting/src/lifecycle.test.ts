import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stepAlert, type AlertState, type Notify } from './lifecycle';

const MIN = 60_000;

/** Runs a sequence of observations (true/false/undefined = no data) every 10 minutes; returns status and notification per run. */
function play(
  observations: (boolean | undefined)[],
  timing = { forRuns: 1, forMs: 0, repeatIntervalMs: 60 * MIN },
): string[] {
  let state: AlertState | undefined;
  return observations.map((active, i) => {
    const step = stepAlert(state, active, i * 10 * MIN, timing);
    state = step.next;
    return `${step.next.status}${step.notify ? `:${step.notify}` : ''}`;
  });
}

test('fires at once without for, repeats after the interval, resolves once', () => {
  assert.deepEqual(play([true, true, true, true, true, true, true, false, false]), [
    'firing:firing',
    'firing',
    'firing',
    'firing',
    'firing',
    'firing',
    'firing:repeat',
    'resolved:resolved',
    'resolved',
  ]);
});

test('for: 3 runs waits in pending; a clear run in between resets it', () => {
  assert.deepEqual(play([true, true, false, true, true, true], { forRuns: 3, forMs: 0, repeatIntervalMs: 60 * MIN }), [
    'pending',
    'pending',
    'inactive',
    'pending',
    'pending',
    'firing:firing',
  ]);
});

test('for: 20m fires once the condition held 20 minutes (window end to window end)', () => {
  assert.deepEqual(play([true, true, true], { forRuns: 1, forMs: 20 * MIN, repeatIntervalMs: 60 * MIN }), [
    'pending',
    'pending',
    'firing:firing',
  ]);
});

test('no data keeps the state: it neither resolves a firing alert nor resets a pending one', () => {
  assert.deepEqual(play([true, undefined, undefined, true], { forRuns: 2, forMs: 0, repeatIntervalMs: 60 * MIN }), [
    'pending',
    'pending',
    'pending',
    'firing:firing',
  ]);
  assert.deepEqual(play([true, undefined, false]), ['firing:firing', 'firing', 'resolved:resolved']);
});

test('a new episode after resolving fires again', () => {
  const notes = play([true, false, true])
    .map((s) => s.split(':')[1])
    .filter(Boolean) as Notify[];
  assert.deepEqual(notes, ['firing', 'resolved', 'firing']);
});

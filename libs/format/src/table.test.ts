import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderTable } from './table';

test('renderTable aligns columns to the widest cell, two spaces apart, without trailing spaces', () => {
  assert.deepEqual(
    renderTable(
      ['feature', 'method', 'p_value'],
      [
        ['dep_hour', 'ks', '2e-30'],
        ['origin', 'chi2', '0.004'],
      ],
    ),
    ['feature   method  p_value', '--------  ------  -------', 'dep_hour  ks      2e-30', 'origin    chi2    0.004'],
  );
});

test('renderTable prints the header alone when there are no rows, and blanks for missing cells', () => {
  assert.deepEqual(renderTable(['a', 'b'], []), ['a  b', '-  -']);
  assert.deepEqual(renderTable(['a', 'b'], [['x']]), ['a  b', '-  -', 'x']);
});

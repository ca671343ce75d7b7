import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatNumber, formatPercent } from './number';

test('formatNumber keeps 4 significant digits below 1,000, trailing zeros dropped', () => {
  assert.equal(formatNumber(0.341234), '0.3412');
  assert.equal(formatNumber(0.2), '0.2');
  assert.equal(formatNumber(12.345678), '12.35');
  assert.equal(formatNumber(9 / 3950), '0.002278');
  assert.equal(formatNumber(0.004), '0.004');
  assert.equal(formatNumber(-0.5054), '-0.5054');
  assert.equal(formatNumber(999.94), '999.9');
});

test('formatNumber shows tiny values in exponent form, never as 0', () => {
  assert.equal(formatNumber(2e-30), '2e-30');
  assert.equal(formatNumber(2.1e-30), '2.1e-30');
  assert.equal(formatNumber(0.000012), '1.2e-5');
  assert.equal(formatNumber(3.21e-9), '3.21e-9');
  assert.equal(formatNumber(5e-324), '5e-324');
  assert.equal(formatNumber(-1.23456e-7), '-1.235e-7');
  // the magnitude is judged after rounding: this reads 0.001, not 1e-3
  assert.equal(formatNumber(0.00099996), '0.001');
});

test('formatNumber shows integers and values from 1,000 on as whole numbers with grouped thousands', () => {
  assert.equal(formatNumber(9), '9');
  assert.equal(formatNumber(200), '200');
  assert.equal(formatNumber(3950), '3,950');
  assert.equal(formatNumber(1234567), '1,234,567');
  assert.equal(formatNumber(-1234567), '-1,234,567');
  assert.equal(formatNumber(12345.6), '12,346');
  assert.equal(formatNumber(999.96), '1,000');
  assert.equal(formatNumber(123456789012345), '123,456,789,012,345');
  assert.equal(formatNumber(1.234e21), '1.234e+21');
});

test('formatNumber: 0 is 0, missing values are -, infinities are named', () => {
  assert.equal(formatNumber(0), '0');
  assert.equal(formatNumber(-0), '0');
  assert.equal(formatNumber(null), '-');
  assert.equal(formatNumber(undefined), '-');
  assert.equal(formatNumber(NaN), '-');
  assert.equal(formatNumber(Infinity), 'Infinity');
  assert.equal(formatNumber(-Infinity), '-Infinity');
});

test('formatPercent scales a fraction and keeps small rates visible', () => {
  assert.equal(formatPercent(9 / 3950), '0.2278 %');
  assert.equal(formatPercent(0.02), '2 %');
  assert.equal(formatPercent(1), '100 %');
  assert.equal(formatPercent(0), '0 %');
  assert.equal(formatPercent(1e-7), '1e-5 %');
  assert.equal(formatPercent(null), '-');
  assert.equal(formatPercent(NaN), '-');
});

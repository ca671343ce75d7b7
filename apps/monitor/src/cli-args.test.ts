import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COMMANDS, helpText, intOption, parseCommandLine, timeOption, UsageError } from './cli-args';

const usage = (message: RegExp) => (err: Error) => err instanceof UsageError && message.test(err.message);

test('a command line is matched to its command and its options parsed (--key value, --key=value, flags)', () => {
  assert.deepEqual(parseCommandLine(['baseline', 'import', '--model', 'm', '--name=n', '--file', 'a b.csv']), {
    help: false,
    command: 'baselineImport',
    options: new Map([
      ['model', 'm'],
      ['name', 'n'],
      ['file', 'a b.csv'],
    ]),
  });
  const replay = (...args: string[]) => {
    const parsed = parseCommandLine(['dead-letters', 'replay', ...args]);
    return parsed.help ? undefined : [...parsed.options];
  };
  assert.deepEqual(replay('--dry-run'), [['dry-run', 'true']]);
  assert.deepEqual(replay('--dry-run', 'true', '--code', 'schema'), [
    ['dry-run', 'true'],
    ['code', 'schema'],
  ]);
  assert.deepEqual(replay('--dry-run=false'), [['dry-run', 'false']]);
});

test('--help and -h anywhere in a command ask for its help; alone, for the list of commands', () => {
  assert.deepEqual(parseCommandLine(['--help']), { help: true });
  assert.deepEqual(parseCommandLine(['-h']), { help: true });
  assert.deepEqual(parseCommandLine(['run', '--monitor', 'x', '--help']), { help: true, command: 'run' });
  assert.deepEqual(parseCommandLine(['dead-letters', 'replay', '-h']), { help: true, command: 'deadLettersReplay' });
});

test('every way a command line can be wrong is a UsageError that says how', () => {
  assert.throws(() => parseCommandLine([]), usage(/^no command given$/));
  assert.throws(
    () => parseCommandLine(['baseline', 'export']),
    usage(/^unknown command 'baseline export' \(commands: baseline import, run, dead-letters replay\)$/),
  );
  assert.throws(() => parseCommandLine(['run']), usage(/^--monitor is required$/));
  assert.throws(() => parseCommandLine(['run', '--monitor']), usage(/^--monitor needs a value \(NAME\)$/));
  assert.throws(() => parseCommandLine(['run', '--monitor', '--config', 'x']), usage(/^--monitor needs a value/));
  assert.throws(() => parseCommandLine(['run', '--monitor=']), usage(/^--monitor needs a value/));
  assert.throws(
    () => parseCommandLine(['run', '--monitor', 'a', '--monitor', 'b']),
    usage(/^--monitor is given twice$/),
  );
  assert.throws(
    () => parseCommandLine(['run', '--monitor', 'a', '--window', '1h']),
    usage(/^unknown option '--window' for 'run'$/),
  );
  assert.throws(() => parseCommandLine(['run', 'a']), usage(/^unexpected argument 'a'$/));
  assert.throws(
    () => parseCommandLine(['dead-letters', 'replay', '--dry-run=yes']),
    usage(/^--dry-run takes no value, or true or false \(got 'yes'\)$/),
  );
  const spec = COMMANDS.run;
  assert.throws(
    () => timeOption(new Map([['at', 'yesterday']]), 'at', spec),
    usage(/^--at 'yesterday' is not an ISO-8601 date-time/),
  );
  assert.throws(() => timeOption(new Map([['at', '1700000000']]), 'at', spec), usage(/is not an ISO-8601 date-time/));
  assert.equal(timeOption(new Map([['at', '2026-06-01T12:00:00Z']]), 'at', spec), Date.parse('2026-06-01T12:00:00Z'));
  assert.throws(
    () => intOption(new Map([['psi-bins', '1']]), 'psi-bins', 10, 2, 100, spec),
    usage(/^--psi-bins '1' is not an integer from 2 to 100$/),
  );
  assert.equal(intOption(new Map(), 'psi-bins', 10, 2, 100, spec), 10);
});

test('the help of each command lists every one of its options and the exit statuses', () => {
  for (const [name, spec] of Object.entries(COMMANDS) as [
    keyof typeof COMMANDS,
    (typeof COMMANDS)[keyof typeof COMMANDS],
  ][]) {
    const text = helpText(name);
    assert.ok(text.startsWith(`Usage: driftwatch ${spec.words.join(' ')} `), text);
    for (const option of spec.options) assert.ok(text.includes(`--${option.name}`), `${name}: --${option.name}`);
    assert.match(text, /Exit status:\n {2}0 .*\n {2}1 .*\n {2}2 {2}usage error.*\n {2}3 {2}configuration error/);
  }
  assert.match(helpText(), /baseline import .*\n {2}run .*\n {2}dead-letters replay /);
});

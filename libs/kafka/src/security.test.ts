import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { ConnectionOptions } from 'node:tls';
import { inspect } from 'node:util';
import { ConfigError, type Env } from '@driftwatch/env';
import { createTestCertificateAuthority } from './__fixtures__/certificates';
import { describeKafka, kafkaSettingsFromEnv } from './kafka';
import { kafkaSecurityFromEnv } from './security';

const dir = mkdtempSync(join(tmpdir(), 'dw-kafka-security-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const SASL_PASSWORD = 'sasl-Pa55word-never-shown';
const KEY_PASSWORD = 'key-Pa55word-never-shown';
const authority = createTestCertificateAuthority(dir);
const client = authority.issue('client', {
  commonName: 'ingest',
  extendedKeyUsage: 'clientAuth',
  keyPassword: KEY_PASSWORD,
});
const other = authority.issue('other', { commonName: 'other', extendedKeyUsage: 'clientAuth' });
const passwordFile = join(dir, 'sasl-password');
writeFileSync(passwordFile, `${SASL_PASSWORD}\n`);
const keyPasswordFile = join(dir, 'key-password');
writeFileSync(keyPasswordFile, KEY_PASSWORD);
const emptyFile = join(dir, 'empty');
writeFileSync(emptyFile, '\n');
const notPem = join(dir, 'not-pem');
writeFileSync(notPem, 'this is not a certificate\n');
const pem = (path: string) => readFileSync(path, 'utf8');

const SCRAM: Env = {
  KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
  KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
  KAFKA_SASL_USERNAME: 'ingest',
  KAFKA_SASL_PASSWORD: SASL_PASSWORD,
  KAFKA_SSL_CA_FILE: authority.caFile,
};
const MUTUAL_TLS: Env = {
  KAFKA_SECURITY_PROTOCOL: 'SSL',
  KAFKA_SSL_CA_FILE: authority.caFile,
  KAFKA_SSL_CERT_FILE: client.certFile,
  KAFKA_SSL_KEY_FILE: client.encryptedKeyFile,
  KAFKA_SSL_KEY_PASSWORD: KEY_PASSWORD,
};

/** The ConfigError that reading `env` throws; fails if it shows a secret anywhere. */
function refusal(env: Env): ConfigError {
  try {
    kafkaSecurityFromEnv(env);
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${e}`);
    for (const secret of [SASL_PASSWORD, KEY_PASSWORD]) {
      assert.ok(!e.message.includes(secret), `the message shows a secret: ${e.message}`);
      assert.ok(!inspect(e).includes(secret) && !JSON.stringify(e).includes(secret), 'the error object holds a secret');
    }
    return e;
  }
  assert.fail(`accepted ${JSON.stringify(env)}`);
}

test('without security variables the client connects in plaintext, as before', () => {
  assert.deepEqual(kafkaSecurityFromEnv({}), {});
  const settings = kafkaSettingsFromEnv({ KAFKA_BROKERS: 'kafka:9092' });
  assert.equal(settings.ssl, undefined);
  assert.equal(settings.sasl, undefined);
  assert.equal(describeKafka(settings), 'kafka:9092 over PLAINTEXT');
});

test('SASL_SSL with SCRAM-SHA-512: kafkajs sasl and ssl options with the CA, broker certificates verified', () => {
  const settings = kafkaSettingsFromEnv({ ...SCRAM, KAFKA_BROKERS: 'b1:9093,b2:9093' });
  assert.deepEqual({ ...settings.sasl }, { mechanism: 'scram-sha-512', username: 'ingest', password: SASL_PASSWORD });
  assert.deepEqual({ ...(settings.ssl as object) }, { rejectUnauthorized: true, ca: [pem(authority.caFile)] });
  assert.equal(describeKafka(settings), 'b1:9093,b2:9093 over SASL_SSL, SCRAM-SHA-512 as user ingest');
});

test('names are read as Kafka clients write them, in either case; each mechanism maps to kafkajs', () => {
  for (const [mechanism, kafkajs] of [
    ['PLAIN', 'plain'],
    ['scram-sha-256', 'scram-sha-256'],
    ['Scram-Sha-512', 'scram-sha-512'],
  ]) {
    const { sasl, ssl } = kafkaSecurityFromEnv({
      ...SCRAM,
      KAFKA_SECURITY_PROTOCOL: 'sasl_plaintext',
      KAFKA_SSL_CA_FILE: '',
      KAFKA_SASL_MECHANISM: mechanism,
    });
    assert.equal(sasl?.mechanism, kafkajs);
    assert.equal(ssl, undefined, 'SASL_PLAINTEXT: no TLS');
  }
});

test('a password from KAFKA_SASL_PASSWORD_FILE, without its trailing line break', () => {
  const { sasl } = kafkaSecurityFromEnv({
    ...SCRAM,
    KAFKA_SASL_PASSWORD: undefined,
    KAFKA_SASL_PASSWORD_FILE: passwordFile,
  });
  assert.ok(sasl && 'password' in sasl);
  assert.equal(sasl.password, SASL_PASSWORD);
});

test('mutual TLS: the client certificate, its key and the key password (from the variable or a file)', () => {
  for (const env of [
    MUTUAL_TLS,
    { ...MUTUAL_TLS, KAFKA_SSL_KEY_PASSWORD: undefined, KAFKA_SSL_KEY_PASSWORD_FILE: keyPasswordFile },
  ]) {
    const { ssl, sasl } = kafkaSecurityFromEnv(env);
    assert.equal(sasl, undefined);
    assert.deepEqual(
      { ...(ssl as object) },
      {
        rejectUnauthorized: true,
        ca: [pem(authority.caFile)],
        cert: pem(client.certFile),
        key: pem(client.encryptedKeyFile!),
        passphrase: KEY_PASSWORD,
      },
    );
  }
  const unencrypted = kafkaSecurityFromEnv({
    ...MUTUAL_TLS,
    KAFKA_SSL_KEY_FILE: other.keyFile,
    KAFKA_SSL_CERT_FILE: other.certFile,
    KAFKA_SSL_KEY_PASSWORD: '',
  });
  assert.equal((unencrypted.ssl as { passphrase?: string }).passphrase, undefined);
  assert.equal(describeKafka({ brokers: ['b:9094'], ...unencrypted }), 'b:9094 over SSL with a client certificate');
});

test('KAFKA_SSL_REJECT_UNAUTHORIZED=false turns verification off, and says so when described', () => {
  const security = kafkaSecurityFromEnv({ KAFKA_SECURITY_PROTOCOL: 'SSL', KAFKA_SSL_REJECT_UNAUTHORIZED: 'false' });
  assert.deepEqual({ ...(security.ssl as object) }, { rejectUnauthorized: false });
  assert.equal(
    describeKafka({ brokers: ['b:9093'], ...security }),
    'b:9093 over SSL (broker certificate NOT verified)',
  );
  assert.equal(
    refusal({ KAFKA_SECURITY_PROTOCOL: 'SSL', KAFKA_SSL_REJECT_UNAUTHORIZED: 'no' }).message,
    'config KAFKA_SSL_REJECT_UNAUTHORIZED="no" is invalid: expected true or false',
  );
});

test('an unknown protocol or mechanism is refused with the accepted ones', () => {
  assert.equal(
    refusal({ KAFKA_SECURITY_PROTOCOL: 'TLS' }).message,
    'config KAFKA_SECURITY_PROTOCOL="TLS" is invalid: expected PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL',
  );
  assert.equal(
    refusal({ ...SCRAM, KAFKA_SASL_MECHANISM: 'GSSAPI' }).message,
    'config KAFKA_SASL_MECHANISM="GSSAPI" is invalid: expected PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512',
  );
});

test('SASL without a mechanism, a user name or a password is refused at start-up, naming what is missing', () => {
  assert.equal(
    refusal({ ...SCRAM, KAFKA_SASL_MECHANISM: undefined }).message,
    'config KAFKA_SASL_MECHANISM="" is invalid: expected PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512, since KAFKA_SECURITY_PROTOCOL is SASL_SSL',
  );
  assert.equal(
    refusal({ ...SCRAM, KAFKA_SASL_USERNAME: '' }).message,
    'config KAFKA_SASL_USERNAME="" is invalid: expected a user name, since KAFKA_SECURITY_PROTOCOL is SASL_SSL',
  );
  assert.equal(
    refusal({ ...SCRAM, KAFKA_SASL_PASSWORD: undefined }).message,
    'config KAFKA_SASL_PASSWORD="" is invalid: expected a password (or KAFKA_SASL_PASSWORD_FILE), since KAFKA_SECURITY_PROTOCOL is SASL_SSL',
  );
});

test('a password given both in the variable and in a file is refused without showing it', () => {
  const error = refusal({ ...SCRAM, KAFKA_SASL_PASSWORD_FILE: passwordFile });
  assert.equal(error.key, 'KAFKA_SASL_PASSWORD');
  assert.equal(
    error.message,
    `config KAFKA_SASL_PASSWORD=<hidden> is invalid: expected either KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE (${passwordFile}), not both`,
  );
});

test('a password file that is missing or empty is refused, naming the variable and the path', () => {
  const missing = join(dir, 'no-such-password');
  assert.equal(
    refusal({ ...SCRAM, KAFKA_SASL_PASSWORD: undefined, KAFKA_SASL_PASSWORD_FILE: missing }).message,
    `config KAFKA_SASL_PASSWORD_FILE="${missing}" is invalid: expected a readable file (no such file)`,
  );
  assert.equal(
    refusal({ ...SCRAM, KAFKA_SASL_PASSWORD: undefined, KAFKA_SASL_PASSWORD_FILE: emptyFile }).message,
    `config KAFKA_SASL_PASSWORD_FILE="${emptyFile}" is invalid: expected a file that holds the secret; it is empty`,
  );
});

test('a CA file that does not exist, is a directory, cannot be read or holds no certificate is refused at start-up', (t) => {
  const missing = join(dir, 'no-such-ca.pem');
  assert.equal(
    refusal({ ...SCRAM, KAFKA_SSL_CA_FILE: missing }).message,
    `config KAFKA_SSL_CA_FILE="${missing}" is invalid: expected a readable file (no such file)`,
  );
  assert.equal(
    refusal({ ...SCRAM, KAFKA_SSL_CA_FILE: dir }).message,
    `config KAFKA_SSL_CA_FILE="${dir}" is invalid: expected a readable file, not a directory`,
  );
  assert.equal(
    refusal({ ...SCRAM, KAFKA_SSL_CA_FILE: notPem }).message,
    `config KAFKA_SSL_CA_FILE="${notPem}" is invalid: expected a PEM file of CA certificates (-----BEGIN CERTIFICATE-----)`,
  );
  if (process.getuid?.() === 0) {
    t.diagnostic('running as root, which reads any file: the unreadable-file case is not checked');
    return;
  }
  const unreadable = join(dir, 'unreadable-ca.pem');
  writeFileSync(unreadable, pem(authority.caFile));
  chmodSync(unreadable, 0o000);
  assert.equal(
    refusal({ ...SCRAM, KAFKA_SSL_CA_FILE: unreadable }).message,
    `config KAFKA_SSL_CA_FILE="${unreadable}" is invalid: expected a readable file (permission denied)`,
  );
});

test('a client certificate without its key, or a key without its certificate, is refused', () => {
  assert.equal(
    refusal({ ...MUTUAL_TLS, KAFKA_SSL_KEY_FILE: undefined, KAFKA_SSL_KEY_PASSWORD: undefined }).message,
    'config KAFKA_SSL_KEY_FILE="" is invalid: expected the client certificate and its private key, since KAFKA_SSL_CERT_FILE is set',
  );
  assert.equal(
    refusal({ ...MUTUAL_TLS, KAFKA_SSL_CERT_FILE: undefined }).message,
    'config KAFKA_SSL_CERT_FILE="" is invalid: expected the client certificate and its private key, since KAFKA_SSL_KEY_FILE is set',
  );
});

test('an encrypted key without its password, or with a wrong one, is refused without showing the password', () => {
  const keyFile = client.encryptedKeyFile!;
  assert.equal(
    refusal({ ...MUTUAL_TLS, KAFKA_SSL_KEY_PASSWORD: undefined }).message,
    `config KAFKA_SSL_KEY_PASSWORD="" is invalid: expected the password of the encrypted key in KAFKA_SSL_KEY_FILE (${keyFile}), or KAFKA_SSL_KEY_PASSWORD_FILE`,
  );
  const wrong = refusal({ ...MUTUAL_TLS, KAFKA_SSL_KEY_PASSWORD: `${KEY_PASSWORD}-wrong` });
  assert.equal(
    wrong.message,
    `config KAFKA_SSL_KEY_PASSWORD=<hidden> is invalid: expected the password of the key in KAFKA_SSL_KEY_FILE (${keyFile}); it does not decrypt it`,
  );
  assert.ok(!wrong.message.includes(`${KEY_PASSWORD}-wrong`));
  assert.equal(
    refusal({ ...MUTUAL_TLS, KAFKA_SSL_CERT_FILE: undefined, KAFKA_SSL_KEY_FILE: undefined }).message,
    'config KAFKA_SSL_KEY_PASSWORD=<hidden> is invalid: expected unset, since KAFKA_SSL_KEY_FILE is not set',
  );
});

test("a key that is not the certificate's, or a certificate that is not valid now, is refused", (t) => {
  assert.equal(
    refusal({ ...MUTUAL_TLS, KAFKA_SSL_KEY_FILE: other.keyFile, KAFKA_SSL_KEY_PASSWORD: undefined }).message,
    `config KAFKA_SSL_KEY_FILE="${other.keyFile}" is invalid: expected the private key of the certificate in KAFKA_SSL_CERT_FILE (${client.certFile}); they do not match`,
  );
  assert.equal(
    refusal({ ...MUTUAL_TLS, KAFKA_SSL_KEY_FILE: notPem }).message,
    `config KAFKA_SSL_KEY_FILE="${notPem}" is invalid: expected a PEM private key (PKCS#8 or PKCS#1, encrypted or not)`,
  );
  t.mock.timers.enable({ apis: ['Date'], now: Date.now() + 3 * 86_400_000 }); // the certificate is valid for 2 days
  assert.match(
    refusal(MUTUAL_TLS).message,
    new RegExp(
      `^config KAFKA_SSL_CERT_FILE="${client.certFile}" is invalid: expected a certificate valid now; this one is valid from .+ to .+$`,
    ),
  );
});

test('a SASL or TLS variable set for a protocol that does not use it is refused, not ignored', () => {
  assert.equal(
    refusal({ KAFKA_SASL_USERNAME: 'ingest' }).message,
    'config KAFKA_SASL_USERNAME="ingest" is invalid: expected unset: KAFKA_SECURITY_PROTOCOL is PLAINTEXT, which uses no SASL (SASL_SSL and SASL_PLAINTEXT do)',
  );
  assert.equal(
    refusal({ KAFKA_SASL_PASSWORD: SASL_PASSWORD }).message,
    'config KAFKA_SASL_PASSWORD=<hidden> is invalid: expected unset: KAFKA_SECURITY_PROTOCOL is PLAINTEXT, which uses no SASL (SASL_SSL and SASL_PLAINTEXT do)',
  );
  assert.equal(
    refusal({ ...SCRAM, KAFKA_SECURITY_PROTOCOL: 'SSL' }).message,
    'config KAFKA_SASL_MECHANISM="SCRAM-SHA-512" is invalid: expected unset: KAFKA_SECURITY_PROTOCOL is SSL, which uses no SASL (SASL_SSL and SASL_PLAINTEXT do)',
  );
  assert.equal(
    refusal({ ...SCRAM, KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT' }).message,
    `config KAFKA_SSL_CA_FILE="${authority.caFile}" is invalid: expected unset: KAFKA_SECURITY_PROTOCOL is SASL_PLAINTEXT, which uses no TLS (SSL and SASL_SSL do)`,
  );
});

test('settings printed or serialised show no password and no private key, yet kafkajs gets them', () => {
  const settings = kafkaSettingsFromEnv({ ...MUTUAL_TLS, ...SCRAM, KAFKA_SECURITY_PROTOCOL: 'SASL_SSL' });
  const key = pem(client.encryptedKeyFile!);
  for (const shown of [
    JSON.stringify(settings),
    inspect(settings, { depth: 5 }),
    `${inspect(settings.sasl)} ${inspect(settings.ssl)}`,
  ]) {
    for (const secret of [SASL_PASSWORD, KEY_PASSWORD, key.split('\n')[1]!])
      assert.ok(!shown.includes(secret), `shown: ${shown}`);
    assert.match(shown, /<hidden>/);
  }
  // kafkajs hands ssl to tls.connect through Object.assign, and reads sasl.password directly
  const tlsOptions: ConnectionOptions = Object.assign({ host: 'b', port: 9093 }, settings.ssl as ConnectionOptions);
  assert.equal(tlsOptions.key, key);
  assert.equal(tlsOptions.passphrase, KEY_PASSWORD);
  assert.equal(settings.sasl && 'password' in settings.sasl && settings.sasl.password, SASL_PASSWORD);
});

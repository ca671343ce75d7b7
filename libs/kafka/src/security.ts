import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import type { ConnectionOptions } from 'node:tls';
import { inspect } from 'node:util';
import type { KafkaConfig, SASLOptions } from 'kafkajs';
import { ConfigError, EnvReader, type Env } from '@driftwatch/env';

/**
 * How a client authenticates to Kafka and encrypts the connection, read from the same variables
 * for every client we have (ingest, SDK, CLI, demo, benchmarks). The protocol names are Kafka's
 * own `security.protocol` values, as in the Java client and librdkafka, so a cluster's existing
 * client settings carry over.
 */
export interface KafkaSecurity {
  /** kafkajs `ssl` (node:tls options); absent: no TLS. */
  ssl?: KafkaConfig['ssl'];
  /** kafkajs `sasl`; absent: no SASL. */
  sasl?: KafkaConfig['sasl'];
}

type SecurityProtocol = 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';

const PROTOCOLS = /^(PLAINTEXT|SSL|SASL_PLAINTEXT|SASL_SSL)$/i;
const MECHANISMS = /^(PLAIN|SCRAM-SHA-256|SCRAM-SHA-512)$/i;

const SASL_VARIABLES = [
  'KAFKA_SASL_MECHANISM',
  'KAFKA_SASL_USERNAME',
  'KAFKA_SASL_PASSWORD',
  'KAFKA_SASL_PASSWORD_FILE',
];
const TLS_VARIABLES = [
  'KAFKA_SSL_CA_FILE',
  'KAFKA_SSL_CERT_FILE',
  'KAFKA_SSL_KEY_FILE',
  'KAFKA_SSL_KEY_PASSWORD',
  'KAFKA_SSL_KEY_PASSWORD_FILE',
  'KAFKA_SSL_REJECT_UNAUTHORIZED',
];
/** Variables whose value is a secret: errors name them but never show their value. */
const SECRET_VARIABLES = new Set(['KAFKA_SASL_PASSWORD', 'KAFKA_SSL_KEY_PASSWORD']);

/**
 * Reads and checks the Kafka security variables, reading every file they name now: a missing CA
 * file, a key that does not match its certificate or a wrong key password stop start-up with the
 * variable's name, instead of showing up as a TLS error at the first connection. A variable set
 * for a protocol that does not use it (a SASL user with KAFKA_SECURITY_PROTOCOL=SSL) is refused
 * too: silently connecting without what was asked for is the mistake this guards against.
 * Passwords and private keys never appear in an error, and the returned options hide them from
 * JSON.stringify and console.log.
 *
 * @throws {ConfigError} naming the variable, its value (or `<hidden>` for a secret) and what was expected
 */
export function kafkaSecurityFromEnv(env: Env = process.env): KafkaSecurity {
  const read = new EnvReader(env);
  const protocol = read
    .string('KAFKA_SECURITY_PROTOCOL', 'PLAINTEXT', PROTOCOLS, 'PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL')
    .toUpperCase() as SecurityProtocol;
  const usesSasl = protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL';
  const usesTls = protocol === 'SSL' || protocol === 'SASL_SSL';
  refuseUnused(
    env,
    usesSasl ? [] : SASL_VARIABLES,
    `unset: KAFKA_SECURITY_PROTOCOL is ${protocol}, which uses no SASL (SASL_SSL and SASL_PLAINTEXT do)`,
  );
  refuseUnused(
    env,
    usesTls ? [] : TLS_VARIABLES,
    `unset: KAFKA_SECURITY_PROTOCOL is ${protocol}, which uses no TLS (SSL and SASL_SSL do)`,
  );

  // Each variable is read whatever the protocol (the README's tables are checked against what is read).
  const mechanism = read
    .string('KAFKA_SASL_MECHANISM', '', MECHANISMS, 'PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512')
    .toUpperCase();
  const username = read.string('KAFKA_SASL_USERNAME', '');
  const password = read.secret('KAFKA_SASL_PASSWORD');
  const ca = read.file('KAFKA_SSL_CA_FILE');
  const cert = read.file('KAFKA_SSL_CERT_FILE');
  const key = read.file('KAFKA_SSL_KEY_FILE');
  const keyPassword = read.secret('KAFKA_SSL_KEY_PASSWORD');
  const rejectUnauthorized = read.boolean('KAFKA_SSL_REJECT_UNAUTHORIZED', true);

  const security: KafkaSecurity = {};
  if (usesSasl) {
    const since = `since KAFKA_SECURITY_PROTOCOL is ${protocol}`;
    if (!mechanism) {
      throw new ConfigError('KAFKA_SASL_MECHANISM', '', `PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512, ${since}`);
    }
    if (!username) throw new ConfigError('KAFKA_SASL_USERNAME', '', `a user name, ${since}`);
    if (password === undefined) {
      throw new ConfigError('KAFKA_SASL_PASSWORD', '', `a password (or KAFKA_SASL_PASSWORD_FILE), ${since}`);
    }
    const sasl: SASLOptions =
      mechanism === 'PLAIN'
        ? { mechanism: 'plain', username, password }
        : mechanism === 'SCRAM-SHA-256'
          ? { mechanism: 'scram-sha-256', username, password }
          : { mechanism: 'scram-sha-512', username, password };
    security.sasl = hidingSecrets(sasl, ['password']);
  }
  if (usesTls) {
    const ssl: ConnectionOptions = { rejectUnauthorized };
    if (ca) ssl.ca = [checkedCertificates(ca)];
    if (cert || key) {
      if (!key || !cert) {
        const [missing, set] = key
          ? ['KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE']
          : ['KAFKA_SSL_KEY_FILE', 'KAFKA_SSL_CERT_FILE'];
        throw new ConfigError(missing, '', `the client certificate and its private key, since ${set} is set`);
      }
      ssl.cert = checkedClientCertificate(cert, key, checkedPrivateKey(key, keyPassword));
      ssl.key = key.contents.toString('utf8');
      if (keyPassword !== undefined) ssl.passphrase = keyPassword;
    } else if (keyPassword !== undefined) {
      throw ConfigError.hidden('KAFKA_SSL_KEY_PASSWORD', 'unset, since KAFKA_SSL_KEY_FILE is not set');
    }
    security.ssl = hidingSecrets(ssl, ['key', 'passphrase']);
  }
  return security;
}

/** `SASL_SSL`, `SSL`, ...: what the options amount to, in Kafka's words. */
function securityProtocolOf(security: KafkaSecurity): SecurityProtocol {
  if (security.sasl) return security.ssl ? 'SASL_SSL' : 'SASL_PLAINTEXT';
  return security.ssl ? 'SSL' : 'PLAINTEXT';
}

/** E.g. `SASL_SSL, SCRAM-SHA-512 as user ingest`, `SSL with a client certificate`: for logs and errors, without secrets. */
export function describeSecurity(security: KafkaSecurity): string {
  const parts: string[] = [securityProtocolOf(security)];
  const { sasl, ssl } = security;
  if (sasl) parts.push(`${sasl.mechanism.toUpperCase()}${'username' in sasl ? ` as user ${sasl.username}` : ''}`);
  let text = parts.join(', ');
  if (typeof ssl === 'object' && ssl.cert) text += ' with a client certificate';
  if (typeof ssl === 'object' && ssl.rejectUnauthorized === false) text += ' (broker certificate NOT verified)';
  return text;
}

interface PemFile {
  path: string;
  contents: Buffer;
}

function refuseUnused(env: Env, keys: readonly string[], expected: string): void {
  for (const key of keys) {
    const value = env[key];
    if (value === undefined || value === '') continue;
    throw SECRET_VARIABLES.has(key) ? ConfigError.hidden(key, expected) : new ConfigError(key, value, expected);
  }
}

function checkedCertificates(file: PemFile): string {
  const text = file.contents.toString('utf8');
  const expected = 'a PEM file of CA certificates (-----BEGIN CERTIFICATE-----)';
  if (!text.includes('-----BEGIN CERTIFICATE-----')) throw new ConfigError('KAFKA_SSL_CA_FILE', file.path, expected);
  try {
    new X509Certificate(file.contents);
  } catch {
    throw new ConfigError('KAFKA_SSL_CA_FILE', file.path, expected);
  }
  return text;
}

function checkedPrivateKey(file: PemFile, passphrase: string | undefined): KeyObject {
  // PKCS#8 (BEGIN ENCRYPTED PRIVATE KEY) or the traditional form (Proc-Type: 4,ENCRYPTED)
  const encrypted = /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(file.contents.toString('utf8'));
  if (encrypted && passphrase === undefined) {
    throw new ConfigError(
      'KAFKA_SSL_KEY_PASSWORD',
      '',
      `the password of the encrypted key in KAFKA_SSL_KEY_FILE (${file.path}), or KAFKA_SSL_KEY_PASSWORD_FILE`,
    );
  }
  try {
    return createPrivateKey({ key: file.contents, format: 'pem', ...(passphrase !== undefined && { passphrase }) });
  } catch {
    if (encrypted) {
      throw ConfigError.hidden(
        'KAFKA_SSL_KEY_PASSWORD',
        `the password of the key in KAFKA_SSL_KEY_FILE (${file.path}); it does not decrypt it`,
      );
    }
    throw new ConfigError('KAFKA_SSL_KEY_FILE', file.path, 'a PEM private key (PKCS#8 or PKCS#1, encrypted or not)');
  }
}

function checkedClientCertificate(file: PemFile, keyFile: PemFile, key: KeyObject): string {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(file.contents);
  } catch {
    throw new ConfigError('KAFKA_SSL_CERT_FILE', file.path, 'a PEM certificate (-----BEGIN CERTIFICATE-----)');
  }
  const now = Date.now();
  if (Date.parse(certificate.validTo) < now || Date.parse(certificate.validFrom) > now) {
    throw new ConfigError(
      'KAFKA_SSL_CERT_FILE',
      file.path,
      `a certificate valid now; this one is valid from ${certificate.validFrom} to ${certificate.validTo}`,
    );
  }
  if (!certificate.checkPrivateKey(key)) {
    throw new ConfigError(
      'KAFKA_SSL_KEY_FILE',
      keyFile.path,
      `the private key of the certificate in KAFKA_SSL_CERT_FILE (${file.path}); they do not match`,
    );
  }
  return file.contents.toString('utf8');
}

/**
 * Gives `options` a JSON and console form with the named fields shown as `<hidden>`, so that a
 * settings object that ends up in a log line does not carry a password or a private key. The
 * helpers are not enumerable: kafkajs copies `ssl` into node:tls's options with Object.assign,
 * which leaves them behind.
 */
function hidingSecrets<T extends object>(options: T, secrets: readonly string[]): T {
  const shown = () =>
    Object.fromEntries(
      Object.entries(options).map(([k, v]) => [k, secrets.includes(k) && v !== undefined ? '<hidden>' : v]),
    );
  Object.defineProperty(options, 'toJSON', { value: shown, enumerable: false });
  Object.defineProperty(options, inspect.custom, { value: () => shown(), enumerable: false });
  return options;
}

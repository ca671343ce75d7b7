import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kafkaSecurityFromEnv } from '@driftwatch/kafka';
import { createTestCertificateAuthority } from '../../libs/kafka/src/__fixtures__/certificates';
import { repoRoot } from './paths';
import { freePort, type KafkaConnection } from './services';
import { waitFor } from './wait';

/**
 * A second local Kafka (3.9, KRaft, one node) with the listeners a secured cluster has, for the
 * security tests: SASL_SSL (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512) and SSL with client certificates
 * required. It runs from the jars infra.sh installed, on free loopback ports, with its data,
 * certificates and logs in a temporary directory; the shared plaintext Kafka is not touched.
 * Certificates are made with openssl at start (a CA, the broker's for localhost and 127.0.0.1, a
 * client's), SCRAM users are created when the storage is formatted and PLAIN users come from the
 * listener's JAAS config. The broker stops when `stop()` is called or, failing that, when the
 * test process ends in any way (the wrapper script kills it when its stdin closes).
 */
export interface SecureKafka {
  /** host:port of the SASL_SSL listener */
  saslSsl: string;
  /** host:port of the SSL listener (client certificate required) */
  mutualTls: string;
  caFile: string;
  /** A user and password for each SASL mechanism. */
  users: Record<SaslMode, { username: string; password: string }>;
  /** A process's environment for one way of connecting. */
  env(mode: Mode): Record<string, string>;
  /** The same as `env`, as the brokers and kafkajs options test code uses. */
  connection(mode: Mode): KafkaConnection;
  /** Text the broker wrote to its log (for a failing test's message). */
  log(): string;
  stop(): Promise<void>;
}

export type SaslMode = 'scram-sha-512' | 'scram-sha-256' | 'plain';
export type Mode = SaslMode | 'mutual-tls';

const SECURITY_VARIABLES = [
  'KAFKA_SECURITY_PROTOCOL',
  'KAFKA_SASL_MECHANISM',
  'KAFKA_SASL_USERNAME',
  'KAFKA_SASL_PASSWORD',
  'KAFKA_SASL_PASSWORD_FILE',
  'KAFKA_SSL_CA_FILE',
  'KAFKA_SSL_CERT_FILE',
  'KAFKA_SSL_KEY_FILE',
  'KAFKA_SSL_KEY_PASSWORD',
  'KAFKA_SSL_KEY_PASSWORD_FILE',
  'KAFKA_SSL_REJECT_UNAUTHORIZED',
];

const MECHANISM: Record<SaslMode, string> = {
  'scram-sha-512': 'SCRAM-SHA-512',
  'scram-sha-256': 'SCRAM-SHA-256',
  plain: 'PLAIN',
};

/** The jars of deploy/local/infra.sh (`infra.sh install` fetches them). */
function kafkaJars(): string {
  const local = process.env.DRIFTWATCH_LOCAL_DIR ?? join(repoRoot(), '.local');
  const jars = join(local, 'kafka', 'libs');
  if (!existsSync(join(jars, '.complete'))) {
    throw new Error(
      `no Kafka jars in ${jars}: run \`bash deploy/local/infra.sh install\`, or set DRIFTWATCH_LOCAL_DIR to where infra.sh keeps them`,
    );
  }
  return jars;
}

/** Distinct free loopback ports (a port freed by freePort may be handed out again at once). */
async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/** Runs a JVM tool to completion; rejects with its output when it fails. */
function runJava(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`java ${args.at(-1)} exited with ${code}: ${output}`)),
    );
  });
}

// Short-lived, lightly loaded JVMs: the client compiler alone starts faster.
const JVM_FLAGS = ['-Xms128m', '-Xmx512m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Djava.awt.headless=true'];

/**
 * Java runs in the background of a bash script that waits on it; a second job of the script reads
 * the script's stdin (fd 3, since bash gives background jobs /dev/null) and kills Java when the
 * pipe closes, which happens when stop() ends it and when the test process dies, however it dies.
 */
const WRAPPER = `exec 3<&0
"$@" &
pid=$!
echo "$pid"
( read -r _ <&3; kill "$pid" 2>/dev/null ) &
wait "$pid"
`;

export async function startSecureKafka(): Promise<SecureKafka> {
  const jars = kafkaJars();
  const dir = mkdtempSync(join(tmpdir(), 'dw-secure-kafka-'));
  const logs = join(dir, 'logs');
  mkdirSync(logs);
  let broker: ChildProcess | undefined;
  let javaPid: number | undefined;
  const killJava = () => {
    if (javaPid === undefined) return;
    try {
      process.kill(javaPid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  process.once('exit', killJava);

  const stop = async () => {
    if (broker && broker.exitCode === null && broker.signalCode === null) {
      const exited = new Promise((resolve) => broker!.once('exit', resolve));
      broker.stdin?.end(); // the wrapper sends SIGTERM: a controlled shutdown
      const timer = setTimeout(killJava, 20_000);
      await exited;
      clearTimeout(timer);
    } else {
      broker?.stdin?.end(); // the wrapper's reader job, should Java have ended by itself
    }
    process.off('exit', killJava);
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    const [saslSslPort, sslPort, controllerPort, internalPort] = await freePorts(4);
    const authority = createTestCertificateAuthority(dir);
    const brokerKeyPassword = randomBytes(12).toString('hex');
    const brokerCert = authority.issue('broker', {
      commonName: 'localhost',
      altNames: ['DNS:localhost', 'IP:127.0.0.1'],
      extendedKeyUsage: 'serverAuth,clientAuth',
      keyPassword: brokerKeyPassword,
      pbe: 'pkcs12-3des',
    });
    const clientKeyPassword = randomBytes(12).toString('hex');
    const clientCert = authority.issue('client', {
      commonName: 'driftwatch-test-client',
      extendedKeyUsage: 'clientAuth',
      keyPassword: clientKeyPassword,
    });
    // Kafka's PEM key store: the (encrypted) key, then the certificate chain
    const keystore = join(dir, 'broker-keystore.pem');
    writeFileSync(
      keystore,
      readFileSync(brokerCert.encryptedKeyFile!, 'utf8') + readFileSync(brokerCert.certFile, 'utf8'),
    );
    const clientKeyPasswordFile = join(dir, 'client-key-password');
    writeFileSync(clientKeyPasswordFile, `${clientKeyPassword}\n`);

    const users: SecureKafka['users'] = {
      'scram-sha-512': { username: 'dw-scram512', password: randomBytes(12).toString('hex') },
      'scram-sha-256': { username: 'dw-scram256', password: randomBytes(12).toString('hex') },
      plain: { username: 'dw-plain', password: randomBytes(12).toString('hex') },
    };
    const passwordFiles = Object.fromEntries(
      Object.entries(users).map(([mode, { password }]) => {
        const file = join(dir, `${mode}-password`);
        writeFileSync(file, `${password}\n`);
        return [mode, file];
      }),
    ) as Record<SaslMode, string>;

    const properties = join(dir, 'server.properties');
    const loop = '127.0.0.1';
    writeFileSync(
      properties,
      [
        'process.roles=broker,controller',
        'node.id=1',
        `controller.quorum.voters=1@${loop}:${controllerPort}`,
        `listeners=SASL_SSL://${loop}:${saslSslPort},SSL://${loop}:${sslPort},CONTROLLER://${loop}:${controllerPort},INTERNAL://${loop}:${internalPort}`,
        `advertised.listeners=SASL_SSL://${loop}:${saslSslPort},SSL://${loop}:${sslPort},INTERNAL://${loop}:${internalPort}`,
        'listener.security.protocol.map=SASL_SSL:SASL_SSL,SSL:SSL,CONTROLLER:PLAINTEXT,INTERNAL:PLAINTEXT',
        // one node: nothing replicates, the inter-broker listener only has to exist
        'inter.broker.listener.name=INTERNAL',
        'controller.listener.names=CONTROLLER',
        `log.dirs=${join(dir, 'data')}`,
        'auto.create.topics.enable=false',
        'offsets.topic.replication.factor=1',
        'offsets.topic.num.partitions=3',
        'transaction.state.log.replication.factor=1',
        'transaction.state.log.min.isr=1',
        'group.initial.rebalance.delay.ms=0',
        'listener.name.sasl_ssl.sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512',
        `listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_${users.plain.username}="${users.plain.password}";`,
        'listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
        'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
        'ssl.keystore.type=PEM',
        `ssl.keystore.location=${keystore}`,
        `ssl.key.password=${brokerKeyPassword}`,
        'ssl.truststore.type=PEM',
        `ssl.truststore.location=${authority.caFile}`,
        'listener.name.ssl.ssl.client.auth=required',
        '',
      ].join('\n'),
    );

    const classpath = ['-cp', join(jars, '*')];
    const log4j = [
      `-Dlog4j.configuration=file:${join(repoRoot(), 'deploy/local/kafka/log4j.properties')}`,
      `-Dkafka.logs.dir=${logs}`,
    ];
    const clusterId = randomBytes(16).toString('base64url');
    const scram = (mode: 'scram-sha-256' | 'scram-sha-512') => [
      '--add-scram',
      `${MECHANISM[mode]}=[name=${users[mode].username},password=${users[mode].password}]`,
    ];
    await runJava([
      ...JVM_FLAGS,
      ...log4j,
      ...classpath,
      'kafka.tools.StorageTool',
      'format',
      '-t',
      clusterId,
      '-c',
      properties,
      ...scram('scram-sha-256'),
      ...scram('scram-sha-512'),
    ]);

    broker = spawn(
      'bash',
      ['-c', WRAPPER, 'secure-kafka', 'java', ...JVM_FLAGS, ...log4j, ...classpath, 'kafka.Kafka', properties],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let output = '';
    broker.stdout!.on('data', (b: Buffer) => {
      output += b.toString();
      javaPid ??= Number(output.split('\n')[0]) || undefined;
    });
    broker.stderr!.on('data', (b: Buffer) => (output += b.toString()));
    const serverLog = () =>
      existsSync(join(logs, 'server.log')) ? readFileSync(join(logs, 'server.log'), 'utf8') : '';
    await waitFor(
      'the secure Kafka to start',
      () => {
        if (broker!.exitCode !== null)
          throw new Error(`it exited with ${broker!.exitCode}: ${output}\n${serverLog().slice(-3000)}`);
        return serverLog().includes('Transition from STARTING to STARTED');
      },
      90_000,
      100,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${serverLog().slice(-3000)}`);
    });

    const saslSsl = `${loop}:${saslSslPort}`;
    const mutualTls = `${loop}:${sslPort}`;
    // Every security variable, the unused ones empty (= unset), so that one mode's settings never
    // mix with another's or with what the test process inherited.
    const unset = Object.fromEntries(SECURITY_VARIABLES.map((name) => [name, '']));
    const env = (mode: Mode): Record<string, string> => ({ ...unset, ...modeEnv(mode) });
    const modeEnv = (mode: Mode): Record<string, string> => {
      if (mode === 'mutual-tls') {
        return {
          KAFKA_BROKERS: mutualTls,
          KAFKA_SECURITY_PROTOCOL: 'SSL',
          KAFKA_SSL_CA_FILE: authority.caFile,
          KAFKA_SSL_CERT_FILE: clientCert.certFile,
          KAFKA_SSL_KEY_FILE: clientCert.encryptedKeyFile!,
          KAFKA_SSL_KEY_PASSWORD_FILE: clientKeyPasswordFile,
        };
      }
      return {
        KAFKA_BROKERS: saslSsl,
        KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
        KAFKA_SASL_MECHANISM: MECHANISM[mode],
        KAFKA_SASL_USERNAME: users[mode].username,
        // one mechanism reads its password from a file, the others from the variable
        ...(mode === 'scram-sha-512'
          ? { KAFKA_SASL_PASSWORD_FILE: passwordFiles[mode] }
          : { KAFKA_SASL_PASSWORD: users[mode].password }),
        KAFKA_SSL_CA_FILE: authority.caFile,
      };
    };
    return {
      saslSsl,
      mutualTls,
      caFile: authority.caFile,
      users,
      env,
      connection: (mode) => {
        const vars = env(mode);
        return { brokers: [vars.KAFKA_BROKERS!], security: kafkaSecurityFromEnv(vars), env: vars };
      },
      log: serverLog,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

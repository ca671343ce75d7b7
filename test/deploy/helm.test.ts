import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import type { Env } from '@driftwatch/env';
import { ingestSettingsFromEnv } from '../../apps/ingest/src/settings';
import { monitorSettingsFromEnv } from '../../apps/monitor/src/settings';
import { repoRoot } from '../support/paths';

/**
 * The Helm chart (deploy/helm/driftwatch), rendered by helm and checked offline by deploy/helm-check
 * through deploy/helm/check.sh, which installs helm and builds the checker the first time (a few
 * minutes: `go install` of helm).
 */

const ROOT = repoRoot();
const CHART = join(ROOT, 'deploy/helm/driftwatch');
const FIXTURES = join(ROOT, 'test/deploy/fixtures');
const EXAMPLE_MONITORS = join(ROOT, 'deploy/monitors.example.yaml');

interface CheckRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

function check(...args: string[]): CheckRun {
  const run = spawnSync('bash', [join(ROOT, 'deploy/helm/check.sh'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.error) throw run.error;
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function assertRefused(run: CheckRun, message: string | RegExp): void {
  assert.equal(run.status, 1, `expected a refusal (exit 1), got ${run.status}\n${run.stdout}${run.stderr}`);
  if (typeof message === 'string') assert.ok(run.stderr.includes(message), `expected "${message}" in:\n${run.stderr}`);
  else assert.match(run.stderr, message);
}

interface K8sObject {
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  // biome-ignore lint/suspicious/noExplicitAny: the tests below read a few known paths of a rendered object
  spec?: any;
}

/** The chart rendered by helm with the values file, as objects. */
function render(valuesFile: string): K8sObject[] {
  const run = check('--render', '-f', valuesFile);
  assert.equal(run.status, 0, run.stderr);
  return parseAllDocuments(run.stdout)
    .map((doc) => doc.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

function component(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.labels?.['app.kubernetes.io/component'] === name);
  assert.ok(found, `no ${kind} for ${name}`);
  return found;
}

/** The environment a service's container gets: its ConfigMaps and the Secret keys it refers to. */
function containerEnv(objects: K8sObject[], deployment: K8sObject): Env {
  const byName = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
  const [container] = deployment.spec.template.spec.containers;
  const env: Env = {};
  for (const from of container.envFrom ?? []) {
    if (from.configMapRef) Object.assign(env, byName('ConfigMap', from.configMapRef.name)?.data);
    if (from.secretRef) Object.assign(env, byName('Secret', from.secretRef.name)?.stringData);
  }
  for (const { name, valueFrom } of container.env ?? []) {
    const ref = valueFrom?.secretKeyRef;
    if (ref) env[name] = byName('Secret', ref.name)?.stringData?.[ref.key];
  }
  return env;
}

/** Calls settingsFromEnv on env (it throws on a bad value) and returns the variables it read. */
function keysRead(settingsFromEnv: (env: Env) => unknown, env: Env): Set<string> {
  const read = new Set<string>();
  settingsFromEnv(
    new Proxy(env, {
      get(target, key) {
        if (typeof key === 'string') read.add(key);
        return Reflect.get(target, key);
      },
    }),
  );
  return read;
}

test('the chart renders with default values, with every option on and with an existing Secret, and each render passes the checks', () => {
  const run = check();
  assert.equal(run.status, 0, run.stderr);
  const line = (render: string) => run.stdout.split('\n').find((l) => l.startsWith(`${render}.yaml: `)) ?? '';
  // default: ingest and monitor only (no api, no autoscaler, no Secret)
  assert.match(line('default'), /documents ok \(ConfigMap \d+, Deployment 2, Service 2\)$/);
  assert.match(line('full-values'), /Deployment 3, HorizontalPodAutoscaler 1, Secret 1, Service 3\)$/);
  assert.match(line('existing-secret-values'), /documents ok \(ConfigMap \d+, Deployment 2, Service 2\)$/);
});

test('the configuration the chart gives each service is accepted by its settings code, and each variable is one it reads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dw-helm-'));
  try {
    for (const values of ['ci/full-values.yaml', 'ci/existing-secret-values.yaml']) {
      const objects = render(join(CHART, values));
      const ingest = containerEnv(objects, component(objects, 'Deployment', 'ingest'));
      assert.equal(ingest.HTTP_HOST, '0.0.0.0', 'reachable by the kubelet probes');
      const ingestRead = keysRead(ingestSettingsFromEnv, ingest);
      assert.deepEqual(
        Object.keys(ingest).filter((k) => !ingestRead.has(k)),
        [],
        `${values}: ingest variables nothing reads`,
      );

      const monitor = containerEnv(objects, component(objects, 'Deployment', 'monitor'));
      const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.data?.['monitors.yaml'] !== undefined);
      assert.equal(monitor.MONITOR_CONFIG, '/etc/driftwatch/monitors.yaml');
      const configFile = join(dir, 'monitors.yaml');
      writeFileSync(configFile, configMap?.data?.['monitors.yaml'] ?? '');
      // the Secret the cluster provides in the existing-secret case
      const secrets = values.includes('existing') ? { CLICKHOUSE_PASSWORD: 'from-the-cluster' } : {};
      const monitorRead = keysRead(monitorSettingsFromEnv, { ...secrets, ...monitor, MONITOR_CONFIG: configFile });
      const unread = Object.keys(monitor).filter((k) => !monitorRead.has(k));
      assert.deepEqual(unread, [], `${values}: monitor variables nothing reads`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the monitor is one instance replaced with Recreate, and the ingest autoscaler stops at the partition count', () => {
  const objects = render(join(CHART, 'ci/full-values.yaml'));
  const monitor = component(objects, 'Deployment', 'monitor');
  assert.equal(monitor.spec.replicas, 1);
  assert.equal(monitor.spec.strategy.type, 'Recreate');
  const autoscalers = objects.filter((o) => o.kind === 'HorizontalPodAutoscaler');
  assert.deepEqual(
    autoscalers.map((h) => h.spec.scaleTargetRef.name),
    [component(objects, 'Deployment', 'ingest').metadata.name],
  );
  assert.equal(
    autoscalers[0]?.spec.maxReplicas,
    Number(component(objects, 'ConfigMap', 'ingest').data?.KAFKA_TOPIC_PARTITIONS),
  );
  assert.equal(component(objects, 'Deployment', 'ingest').spec.replicas, undefined, 'the autoscaler owns the count');
});

test('values the chart refuses before rendering, each with a message that names the value', () => {
  const monitors = ['--set-file', `monitor.config=${EXAMPLE_MONITORS}`];
  assertRefused(check('--set', 'ingest.replicas=1'), 'monitor.config is required');
  assertRefused(
    check(...monitors, '--set', 'ingest.replicas=7'),
    'ingest.replicas (7) is more than kafka.topicPartitions (6)',
  );
  assertRefused(
    check(...monitors, '--set', 'ingest.autoscaling.enabled=true', '--set', 'ingest.autoscaling.maxReplicas=8'),
    'ingest.autoscaling.maxReplicas (8) is more than kafka.topicPartitions (6)',
  );
  assertRefused(check(...monitors, '--set', 'ingest.replica=3'), "additional properties 'replica' not allowed");
  assertRefused(
    check(...monitors, '--set', 'monitor.env.SMTP_PASSWORD=hunter22'),
    'monitor.env.SMTP_PASSWORD looks secret',
  );
  assertRefused(
    check(...monitors, '--set', 'existingSecret=mine', '--set', 'secretEnv.CLICKHOUSE_PASSWORD=x'),
    'set existingSecret or secretEnv, not both',
  );
});

test('a misspelt key inside values that helm passes through to Kubernetes (resources.limit) is refused by the checker', () => {
  const run = check(
    '--set-file',
    `monitor.config=${EXAMPLE_MONITORS}`,
    '-f',
    join(FIXTURES, 'misspelt-resources-values.yaml'),
  );
  assertRefused(run, 'unknown field "spec.template.spec.containers[0].resources.limit"');
  assert.match(run.stderr, /Deployment dw-driftwatch-ingest \(driftwatch\/templates\/ingest\.yaml\)/);
});

test('the checker accepts the valid fixture manifest and refuses each single mistake made in it', async (t) => {
  const valid = readFileSync(join(FIXTURES, 'valid-manifest.yaml'), 'utf8');
  const accepted = check('--manifest', join(FIXTURES, 'valid-manifest.yaml'));
  assert.equal(accepted.status, 0, accepted.stderr);

  // [mistake, line as it is, line with the mistake, what the checker must say]
  const mistakes: [string, string, string, string][] = [
    [
      'a misspelt field',
      '          readinessProbe: { httpGet: { path: /health/ready, port: http } }',
      '          readinesProbe: { httpGet: { path: /health/ready, port: http } }',
      'unknown field "spec.template.spec.containers[0].readinesProbe"',
    ],
    [
      'a field in the wrong case',
      'ports: [{ name: http, containerPort: 3001 }]',
      'ports: [{ name: http, ContainerPort: 3001 }]',
      'unknown field "spec.template.spec.containers[0].ports[0].ContainerPort"',
    ],
    ['a value of the wrong type', '  replicas: 2', '  replicas: two', 'spec.replicas of type int32'],
    [
      'a duplicated key',
      '          image: driftwatch:0.1.0\n          ports: [{ name: http, containerPort: 3001 }]',
      '          image: driftwatch:0.1.0\n          image: driftwatch:latest\n          ports: [{ name: http, containerPort: 3001 }]',
      'key "image" already set in map',
    ],
    ['a misspelt kind', 'kind: Service', 'kind: Servcie', 'unknown kind or apiVersion'],
    [
      'an apiVersion no longer served',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: dw-ingest',
      'apiVersion: apps/v1beta1\nkind: Deployment\nmetadata:\n  name: dw-ingest',
      'unknown kind or apiVersion',
    ],
    ['a second monitor', '  replicas: 1', '  replicas: 2', 'the monitor must run as exactly one instance'],
    [
      'a monitor replaced by a rolling update',
      'strategy: { type: Recreate }',
      'strategy: { type: RollingUpdate }',
      'the monitor needs Recreate',
    ],
    [
      'more ingest replicas than partitions',
      '  replicas: 2',
      '  replicas: 8',
      'spec.replicas 8 is more than KAFKA_TOPIC_PARTITIONS 6',
    ],
    [
      'a container without a readiness probe',
      '          readinessProbe: { httpGet: { path: /health/ready, port: 3002 } }\n',
      '',
      'containers[0] (monitor).readinessProbe: missing',
    ],
    [
      'a container without resource requests',
      'resources: { requests: { cpu: 100m, memory: 256Mi } }',
      'resources: { limits: { memory: 256Mi } }',
      'containers[0] (monitor).resources.requests.cpu: missing',
    ],
    [
      'a probe on a port the container does not name',
      'readinessProbe: { httpGet: { path: /health/ready, port: http } }',
      'readinessProbe: { httpGet: { path: /health/ready, port: htp } }',
      'port "htp" is not a named port of the container',
    ],
    [
      'a ConfigMap that is not in the manifest',
      'envFrom: [{ configMapRef: { name: dw-ingest } }]',
      'envFrom: [{ configMapRef: { name: dw-ingset } }]',
      'ConfigMap "dw-ingset" is not in the manifest',
    ],
    [
      'a password in a ConfigMap',
      '  HTTP_HOST: 0.0.0.0',
      '  HTTP_HOST: 0.0.0.0\n  CLICKHOUSE_PASSWORD: hunter22',
      'data "CLICKHOUSE_PASSWORD": a credential in a ConfigMap',
    ],
    [
      'a Secret value copied into a ConfigMap',
      'CLICKHOUSE_URL: http://clickhouse:8123',
      'CLICKHOUSE_URL: http://driftwatch:s3cret-pass@clickhouse:8123',
      'data "CLICKHOUSE_URL" contains the value of Secret dw-credentials key CLICKHOUSE_PASSWORD',
    ],
    [
      'a Service that selects no pod',
      '  selector: { app.kubernetes.io/component: ingest }',
      '  selector: { app.kubernetes.io/component: injest }',
      'selects no pod of the manifest',
    ],
  ];
  const dir = mkdtempSync(join(tmpdir(), 'dw-helm-check-'));
  try {
    for (const [mistake, line, wrong, message] of mistakes) {
      await t.test(mistake, () => {
        assert.equal(valid.split(line).length, 2, `"${line}" occurs once in the fixture`);
        const path = join(dir, 'manifest.yaml');
        writeFileSync(path, valid.replace(line, wrong));
        assertRefused(check('--manifest', path), message);
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

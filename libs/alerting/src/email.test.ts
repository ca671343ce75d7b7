import assert from 'node:assert/strict';
import net from 'node:net';
import { test, type TestContext } from 'node:test';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { ConfigError } from '@driftwatch/env';
import { createSmtpTransport, EmailChannel, smtpSettingsFromEnv, type SmtpSettings } from './email';
import { renderEmail } from './email-render';
import type { AlertNotice, Notification } from './notification';

const HOSTILE = `<script>alert(1)</script> "&'`;
const SQL = `SELECT feature, metric, value FROM driftwatch.drift_results WHERE model = 'fraud-detector' AND run_id = 'run-42'`;

function alert(overrides: Partial<AlertNotice>): AlertNotice {
  return {
    noticeId: 'notice-1',
    alertKey: 'fraud-detector/input-drift',
    rule: 'input-drift',
    monitor: 'fraud-hourly',
    model: 'fraud-detector',
    modelVersion: 'v3',
    state: 'firing',
    repeat: false,
    severity: 'critical',
    labels: {},
    condition: 'psi > 0.2',
    activeSinceMs: Date.parse('2026-06-01T10:00:00Z'),
    evidence: [],
    ...overrides,
  };
}

function notification(alerts: AlertNotice[], overrides: Partial<Notification> = {}): Notification {
  return {
    version: 'driftwatch.notification.v1',
    id: 'ntf_01J/abc',
    kind: 'alert',
    monitor: 'fraud-hourly',
    model: 'fraud-detector',
    runId: 'run-42',
    windowStartMs: Date.parse('2026-06-01T11:00:00Z'),
    windowEndMs: Date.parse('2026-06-01T12:00:00Z'),
    baselineId: 'baseline-7',
    alerts,
    sql: SQL,
    createdAtMs: Date.parse('2026-06-01T12:00:05Z'),
    ...overrides,
  };
}

/** Two alerts, four breached metrics, user data that HTML must not interpret. */
const twoAlerts = notification([
  alert({
    labels: { team: 'risk', note: HOSTILE },
    evidence: [
      { modelVersion: 'v3', feature: 'amount', metric: 'psi', value: 0.341234, op: '>', threshold: 0.2 },
      { modelVersion: 'v3', feature: 'country<img src=x>', metric: 'psi', value: 0.25, op: '>', threshold: 0.2 },
      { modelVersion: 'v3', feature: 'merchant', metric: 'ks.p_value', value: 0.000012, op: '<', threshold: 0.001 },
    ],
  }),
  alert({
    noticeId: 'notice-2',
    rule: 'slow-predictions',
    severity: 'warning',
    condition: 'latency.p99_ms > 500',
    evidence: [{ modelVersion: 'v3', metric: 'latency.p99_ms', value: 812.46, op: '>', threshold: 500 }],
  }),
]);

interface Received {
  mail: ParsedMail;
  rcptTo: string[];
  user?: string;
}

/** A real SMTP server on a free loopback port that keeps every message it accepted, parsed. */
async function startSmtpServer(options: SMTPServerOptions = {}) {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    // parsed before the 250 reply, so a message is in `received` by the time send() resolves
    onData(stream, session, done) {
      simpleParser(stream).then((mail) => {
        received.push({ mail, rcptTo: session.envelope.rcptTo.map((a) => a.address), user: session.user });
        done();
      }, done);
    },
    ...options,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as net.AddressInfo).port;
  return { port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function settings(port: number, overrides: Partial<SmtpSettings> = {}): SmtpSettings {
  return {
    host: '127.0.0.1',
    port,
    secure: false,
    from: 'driftwatch alerts <alerts@example.com>',
    timeoutMs: 5_000,
    ...overrides,
  };
}

/** A server and a transport to it, both closed when the test ends. */
async function smtpFixture(t: TestContext, options: SMTPServerOptions = {}, overrides: Partial<SmtpSettings> = {}) {
  const server = await startSmtpServer(options);
  const transport = createSmtpTransport(settings(server.port, overrides));
  t.after(async () => {
    transport.close();
    await server.close();
  });
  return { received: server.received, transport };
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  return [field ?? []].flat().flatMap((group) => group.value.map((a) => a.address ?? ''));
}

/** Group 1 of a match whose pattern always captures it. */
function group1(match: RegExpMatchArray): string {
  const text = match[1];
  assert.ok(text !== undefined, `no group 1 in ${JSON.stringify(match[0])}`);
  return text;
}

/** Rows of the metric tables of an HTML part, each row as its cells. */
function metricRows(html: string): string[][] {
  const tables = html.match(/<table class="metrics"[\s\S]*?<\/table>/g) ?? [];
  return tables.flatMap((table) =>
    [...table.replace(/<thead>[\s\S]*?<\/thead>/, '').matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) =>
      [...group1(row).matchAll(/<td>(.*?)<\/td>/g)].map(group1),
    ),
  );
}

test('an alert email arrives once, addressed to the list, with both parts listing every breached metric and the SQL', async (t) => {
  const { received, transport } = await smtpFixture(t);
  const channel = new EmailChannel('risk-team', ['ana@example.com', 'ben@example.com'], transport);

  assert.deepEqual(await channel.send(twoAlerts), { ok: true, retryable: false });

  assert.equal(received.length, 1);
  const [first] = received;
  assert.ok(first);
  const { mail, rcptTo } = first;
  assert.deepEqual(rcptTo, ['ana@example.com', 'ben@example.com']);
  assert.equal(mail.subject, '[driftwatch] FIRING: 2 alerts for model fraud-detector (critical)');
  assert.deepEqual(mail.from?.value, [{ address: 'alerts@example.com', name: 'driftwatch alerts' }]);
  assert.deepEqual(addresses(mail.to), ['ana@example.com', 'ben@example.com']);
  assert.equal(mail.messageId, '<ntf_01J=2Fabc@driftwatch>');
  assert.equal(mail.headers.get('x-driftwatch-notification-id'), 'ntf_01J/abc');

  const text = mail.text ?? '';
  for (const fact of [
    'fraud-detector',
    'fraud-hourly',
    'run-42',
    '2026-06-01T11:00:00.000Z .. 2026-06-01T12:00:00.000Z',
    'baseline-7',
    'slow-predictions',
    `note=${HOSTILE}, team=risk`,
    'Active since: 2026-06-01T10:00:00.000Z',
    SQL,
  ]) {
    assert.ok(text.includes(fact), `text part lacks ${fact}:\n${text}`);
  }
  assert.match(text, /v3 +amount +psi +0\.3412 +> 0\.2/);
  assert.match(text, /v3 +merchant +ks\.p_value +1\.2e-5 +< 0\.001/);
  assert.match(text, /v3 +- +latency\.p99_ms +812\.5 +> 500/);

  const html = mail.html || '';
  assert.deepEqual(metricRows(html), [
    ['v3', 'amount', 'psi', '0.3412', '&gt; 0.2'],
    ['v3', 'country&lt;img src=x&gt;', 'psi', '0.25', '&gt; 0.2'],
    ['v3', 'merchant', 'ks.p_value', '1.2e-5', '&lt; 0.001'],
    ['v3', '-', 'latency.p99_ms', '812.5', '&gt; 500'],
  ]);
  assert.ok(
    html.includes('note=&lt;script&gt;alert(1)&lt;/script&gt; &quot;&amp;&#39;'),
    'the hostile label is shown escaped',
  );
  assert.ok(!/<script|<img/i.test(html), 'no user data is interpreted as markup');
  assert.ok(html.includes(`<pre>${SQL.replaceAll("'", '&#39;')}</pre>`));
});

test('a retry of the same notification carries the same Message-ID', async (t) => {
  const { received, transport } = await smtpFixture(t);
  const channel = new EmailChannel('risk-team', ['ana@example.com'], transport);
  await channel.send(twoAlerts);
  await channel.send(twoAlerts);
  assert.deepEqual(
    received.map((r) => r.mail.messageId),
    ['<ntf_01J=2Fabc@driftwatch>', '<ntf_01J=2Fabc@driftwatch>'],
  );
});

test('a resolved notification arrives as RESOLVED', async (t) => {
  const { received, transport } = await smtpFixture(t);
  const resolved = notification([alert({ state: 'resolved' })], { id: 'ntf_2' });
  assert.equal((await new EmailChannel('risk-team', ['ana@example.com'], transport).send(resolved)).ok, true);
  const [first] = received;
  assert.ok(first);
  assert.equal(first.mail.subject, '[driftwatch] RESOLVED: input-drift for model fraud-detector');
  assert.ok(first.mail.text?.includes('The condition no longer holds.'));
});

test('subjects: repeats say still firing, mixed states count the resolved, retraining names the model', () => {
  const repeat = alert({ repeat: true, severity: 'warning' });
  assert.equal(
    renderEmail(notification([repeat])).subject,
    '[driftwatch] STILL FIRING: input-drift for model fraud-detector (warning)',
  );
  assert.equal(
    renderEmail(
      notification([
        repeat,
        alert({ rule: 'label-drift', severity: 'info' }),
        alert({ rule: 'old', state: 'resolved', severity: 'critical' }),
      ]),
    ).subject,
    '[driftwatch] FIRING: 2 alerts for model fraud-detector (warning), 1 resolved',
  );
  assert.equal(
    renderEmail(notification([alert({ rule: 'a\r\nBcc: x@evil.example' })])).subject,
    '[driftwatch] FIRING: a Bcc: x@evil.example for model fraud-detector (critical)',
  );
});

test('a retraining email lists the drifted features', () => {
  const retraining = notification([], {
    kind: 'retraining',
    retraining: {
      modelVersion: 'v3',
      reason: '3 of 12 features drifted',
      driftedFeatures: [
        { feature: 'amount', method: 'psi', value: 0.41, threshold: 0.2 },
        { feature: 'merchant<b>', method: 'ks', value: 0.1234567, threshold: 0.1, pValue: 3.21e-9 },
      ],
    },
  });
  const { subject, text, html } = renderEmail(retraining);
  assert.equal(subject, '[driftwatch] RETRAINING requested for model fraud-detector');
  assert.ok(text.includes('3 of 12 features drifted'));
  assert.match(text, /merchant<b> +ks +0\.1235 +0\.1 +3\.21e-9/);
  assert.deepEqual(metricRows(html), [
    ['amount', 'psi', '0.41', '0.2', '-'],
    ['merchant&lt;b&gt;', 'ks', '0.1235', '0.1', '3.21e-9'],
  ]);
});

test('a 550 refusal is final, a 451 deferral is worth retrying; both say what the server said', async (t) => {
  const reply = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });
  const { received, transport } = await smtpFixture(t, {
    onRcptTo(address, _session, done) {
      if (address.address.startsWith('gone')) return done(reply(550, 'mailbox unavailable'));
      if (address.address.startsWith('busy')) return done(reply(451, 'greylisted, try again later'));
      done();
    },
  });
  const send = (to: string[]) => new EmailChannel('risk-team', to, transport).send(twoAlerts);

  assert.deepEqual(await send(['gone@example.com']), {
    ok: false,
    retryable: false,
    error: 'refused by the SMTP server at RCPT TO: gone@example.com: 550 mailbox unavailable',
  });
  assert.deepEqual(await send(['busy@example.com']), {
    ok: false,
    retryable: true,
    error: 'deferred by the SMTP server at RCPT TO: busy@example.com: 451 greylisted, try again later',
  });
  assert.equal(received.length, 0);

  // one address gone from a list: the others have their copy, a retry would duplicate it
  const partly = await send(['ana@example.com', 'gone@example.com']);
  assert.deepEqual(partly, {
    ok: true,
    retryable: false,
    error: 'refused by the SMTP server for some recipients: gone@example.com: 550 mailbox unavailable',
  });
  assert.deepEqual(
    received.map((r) => r.rcptTo),
    [['ana@example.com']],
  );
});

test('a server that is down or silent is worth retrying, and the error says which', async (t) => {
  const closed = net.createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const closedPort = (closed.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));

  const silentSockets = new Set<net.Socket>();
  const silent = net.createServer((socket) => silentSockets.add(socket)); // accepts, never greets
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const silentPort = (silent.address() as net.AddressInfo).port;

  const down = createSmtpTransport(settings(closedPort));
  const mute = createSmtpTransport(settings(silentPort, { timeoutMs: 200 }));
  t.after(async () => {
    down.close();
    mute.close();
    for (const socket of silentSockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  const refused = await new EmailChannel('risk-team', ['ana@example.com'], down).send(twoAlerts);
  assert.equal(refused.ok, false);
  assert.equal(refused.retryable, true);
  assert.match(refused.error ?? '', /ECONNREFUSED/);

  const timedOut = await new EmailChannel('risk-team', ['ana@example.com'], mute).send(twoAlerts);
  assert.equal(timedOut.ok, false);
  assert.equal(timedOut.retryable, true);
  assert.match(timedOut.error ?? '', /ETIMEDOUT/);
});

test('a server that requires AUTH accepts the configured user; a wrong password is final and never shown', async (t) => {
  const password = 'correct horse battery staple';
  const authServer: SMTPServerOptions = {
    authOptional: false,
    allowInsecureAuth: true, // no TLS on the loopback test server
    onAuth(auth, _session, done) {
      if (auth.username === 'alerts' && auth.password === password) return done(null, { user: auth.username });
      done(Object.assign(new Error('Authentication credentials invalid'), { responseCode: 535 }));
    },
  };
  const good = await smtpFixture(t, authServer, { auth: { user: 'alerts', pass: password } });
  assert.deepEqual(await new EmailChannel('risk-team', ['ana@example.com'], good.transport).send(twoAlerts), {
    ok: true,
    retryable: false,
  });
  const [goodSession] = good.received;
  assert.ok(goodSession);
  assert.equal(goodSession.user, 'alerts');

  const wrongPassword = 'hunter2-wrong';
  const bad = await smtpFixture(t, authServer, { auth: { user: 'alerts', pass: wrongPassword } });
  const result = await new EmailChannel('risk-team', ['ana@example.com'], bad.transport).send(twoAlerts);
  assert.equal(result.ok, false);
  assert.equal(result.retryable, false);
  assert.match(result.error ?? '', /535 Authentication credentials invalid/);
  for (const secret of [
    wrongPassword,
    Buffer.from(wrongPassword).toString('base64'),
    Buffer.from(`\0alerts\0${wrongPassword}`).toString('base64'),
  ]) {
    assert.ok(!(result.error ?? '').includes(secret), `the error shows a credential: ${result.error}`);
  }
  assert.equal(bad.received.length, 0);
});

test('SMTP settings: defaults, and a bad value stops start-up naming the key', () => {
  assert.deepEqual(smtpSettingsFromEnv({}), {
    host: '127.0.0.1',
    port: 587,
    secure: false,
    auth: undefined,
    from: 'driftwatch <driftwatch@localhost>',
    timeoutMs: 10_000,
  });
  assert.deepEqual(
    smtpSettingsFromEnv({
      SMTP_HOST: 'smtp.example.com',
      SMTP_PORT: '465',
      SMTP_SECURE: 'TRUE',
      SMTP_USER: 'alerts',
      SMTP_PASSWORD: 's3cret',
      SMTP_FROM: 'alerts@example.com',
      SMTP_TIMEOUT_MS: '2500',
    }),
    {
      host: 'smtp.example.com',
      port: 465,
      secure: true,
      auth: { user: 'alerts', pass: 's3cret' },
      from: 'alerts@example.com',
      timeoutMs: 2500,
    },
  );

  const refusal = (env: Record<string, string>) => {
    try {
      smtpSettingsFromEnv(env);
    } catch (e) {
      assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${e}`);
      return e.message;
    }
    assert.fail(`accepted ${JSON.stringify(env)}`);
  };
  assert.equal(
    refusal({ SMTP_PORT: '70000' }),
    'config SMTP_PORT="70000" is invalid: expected an integer from 1 to 65535',
  );
  assert.equal(
    refusal({ SMTP_PORT: 'smtp' }),
    'config SMTP_PORT="smtp" is invalid: expected an integer from 1 to 65535',
  );
  assert.equal(refusal({ SMTP_SECURE: 'yes' }), 'config SMTP_SECURE="yes" is invalid: expected true or false');
  assert.equal(
    refusal({ SMTP_FROM: 'driftwatch' }),
    'config SMTP_FROM="driftwatch" is invalid: expected an address like alerts@example.com or "Name <alerts@example.com>"',
  );
  assert.equal(
    refusal({ SMTP_USER: 'alerts' }),
    'config SMTP_PASSWORD=undefined is invalid: expected a password, since SMTP_USER is set',
  );
  assert.equal(
    refusal({ SMTP_PASSWORD: 's3cret' }),
    'config SMTP_USER=undefined is invalid: expected a user name, since SMTP_PASSWORD is set',
  );
});

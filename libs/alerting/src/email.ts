import {
  createTransport,
  type NodemailerError,
  type SendMailOptions,
  type SMTPPoolSentMessageInfo,
  type Transporter,
} from 'nodemailer';
import { ConfigError, EnvReader, type Env } from '@driftwatch/env';
import type { AttemptResult } from './delivery';
import { renderEmail } from './email-render';
import type { Channel, Notification } from './notification';

export interface SmtpSettings {
  host: string;
  port: number;
  /** TLS from the first byte (usually port 465); false: plain, upgraded with STARTTLS when the server offers it. */
  secure: boolean;
  /** Absent: no AUTH (a local relay). */
  auth?: { user: string; pass: string };
  /** The From header, e.g. `driftwatch <driftwatch@example.com>`. */
  from: string;
  /** Connecting, the greeting and each wait on the socket. */
  timeoutMs: number;
}

/** `user@domain` or `Name <user@domain>`: enough to catch a typo at start-up, not a full RFC 5322 parser. */
const ADDRESS = /^(?:[^<>]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/;

export function smtpSettingsFromEnv(env: Env = process.env): SmtpSettings {
  const read = new EnvReader(env);
  const user = read.string('SMTP_USER', '');
  const pass = read.string('SMTP_PASSWORD', '');
  // One without the other is a half-written config that would only show at the first alert.
  // The values in these errors are the empty ones: a password never appears in a message.
  if (user && !pass) throw new ConfigError('SMTP_PASSWORD', env.SMTP_PASSWORD, 'a password, since SMTP_USER is set');
  if (pass && !user) throw new ConfigError('SMTP_USER', env.SMTP_USER, 'a user name, since SMTP_PASSWORD is set');
  return {
    host: read.string('SMTP_HOST', '127.0.0.1', /^[A-Za-z0-9.\-\[\]:]+$/, 'a host name or IP address'),
    port: read.int('SMTP_PORT', 587, { min: 1, max: 65535 }),
    secure: read.boolean('SMTP_SECURE', false),
    auth: user ? { user, pass } : undefined,
    from: read.string(
      'SMTP_FROM',
      'driftwatch <driftwatch@localhost>',
      ADDRESS,
      'an address like alerts@example.com or "Name <alerts@example.com>"',
    ),
    timeoutMs: read.int('SMTP_TIMEOUT_MS', 10_000, { min: 1 }),
  };
}

export type SmtpTransport = Transporter<SMTPPoolSentMessageInfo>;

/**
 * The one pooled transport of the process, shared by every email channel so that a burst of
 * notifications reuses a few SMTP connections. The From address is a transport default because
 * it is a property of the deployment, not of a channel. Whoever creates it closes it
 * (`transport.close()`), once, after the last channel has sent: the channels do not own it.
 */
export function createSmtpTransport(settings: SmtpSettings): SmtpTransport {
  return createTransport(
    {
      pool: true,
      host: settings.host,
      port: settings.port,
      secure: settings.secure,
      auth: settings.auth,
      connectionTimeout: settings.timeoutMs,
      greetingTimeout: settings.timeoutMs,
      socketTimeout: settings.timeoutMs,
    },
    { from: settings.from },
  );
}

/** The SMTP boundary as a channel sees it: hand over one message, learn which recipients the server refused. */
export interface MailTransport {
  sendMail(message: SendMailOptions): Promise<{ rejected: string[]; rejectedErrors?: NodemailerError[] }>;
}

export class EmailChannel implements Channel {
  readonly kind = 'email';

  constructor(
    readonly name: string,
    private readonly recipients: readonly string[],
    /** shared, not owned: see createSmtpTransport */
    private readonly transport: MailTransport,
  ) {
    if (recipients.length === 0) throw new Error(`email channel ${name}: no recipients`);
  }

  /** One SMTP submission. Never throws: the result says whether another attempt may succeed. */
  async send(n: Notification): Promise<AttemptResult> {
    try {
      const { subject, text, html } = renderEmail(n);
      const sent = await this.transport.sendMail({
        to: [...this.recipients],
        subject,
        text,
        html,
        // the same Message-ID on every attempt, so that a retry after a lost reply is recognisable as a duplicate
        messageId: messageIdOf(n.id),
        headers: { 'X-Driftwatch-Notification-Id': n.id },
      });
      // Some recipients took it: a retry would send them a second copy, so the attempt counts as
      // delivered and the refusals are only reported.
      if (sent.rejected.length > 0)
        return {
          ok: true,
          retryable: false,
          error: `refused by the SMTP server for some recipients: ${refusals(sent.rejectedErrors ?? [])}`,
        };
      return { ok: true, retryable: false };
    } catch (err) {
      return failedAttempt(err as NodemailerError);
    }
  }
}

/**
 * An SMTP reply classifies the failure: 4xx is temporary (greylisting, a full queue), 5xx is
 * permanent (RFC 5321 4.2.1), e.g. 550 mailbox unavailable or 535 bad credentials. Without a
 * reply the connection failed or timed out, which another attempt may get past.
 */
function failedAttempt(err: NodemailerError): AttemptResult {
  if (err.responseCode !== undefined) {
    const permanent = err.responseCode >= 500;
    // when every recipient was refused, each refusal says more than the one reply nodemailer picked
    const reply = err.rejectedErrors?.length
      ? refusals(err.rejectedErrors)
      : (err.response ?? String(err.responseCode));
    return {
      ok: false,
      retryable: !permanent,
      error: `${permanent ? 'refused' : 'deferred'} by the SMTP server at ${err.command ?? 'an unknown command'}: ${reply}`,
    };
  }
  const code = [err.code, err.originalCode].filter(Boolean).join('/');
  return { ok: false, retryable: true, error: `${err.message}${code ? ` (${code})` : ''}` };
}

function refusals(errors: NodemailerError[]): string {
  return errors.map((e) => `${e.recipient ?? 'a recipient'}: ${e.response ?? e.message}`).join('; ');
}

/**
 * `<id@driftwatch>` with every character outside [A-Za-z0-9_-] written as =XX (UTF-8), which keeps
 * the id left of @ valid (RFC 5322 dot-atom) and distinct for distinct notification ids.
 */
function messageIdOf(notificationId: string): string {
  const local = Array.from(Buffer.from(notificationId, 'utf8'), (byte) => {
    const c = String.fromCharCode(byte);
    return /[A-Za-z0-9_-]/.test(c) ? c : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }).join('');
  return `<${local}@driftwatch>`;
}

/**
 * Real receivers on loopback for the demo and the tests: an SMTP server that parses what arrives
 * (smtp-server + mailparser) and an HTTP webhook receiver that verifies Standard Webhooks
 * signatures and can be scripted to fail (500, hang) or be stopped and started on the same port.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { verifyWebhook } from '@driftwatch/alerting';

export interface ReceivedMail {
  mail: ParsedMail;
  envelopeTo: string[];
  receivedAtMs: number;
}

export class SmtpCatcher {
  readonly mails: ReceivedMail[] = [];
  private server: SMTPServer | undefined;
  port = 0;

  async start(port = 0): Promise<void> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, session, callback) => {
        simpleParser(stream).then(
          (mail) => {
            this.mails.push({
              mail,
              envelopeTo: session.envelope.rcptTo.map((r) => r.address),
              receivedAtMs: Date.now(),
            });
            callback();
          },
          (err: Error) => callback(err),
        );
      },
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.server.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  verified: boolean;
  status: number;
  receivedAtMs: number;
}

/** `script`: statuses to answer with, in order (then 200); 'hang' never answers. */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  readonly script: (number | 'hang')[] = [];
  private server: Server | undefined;
  port = 0;

  constructor(private readonly secret: string) {}

  async start(port = this.port): Promise<void> {
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const next = this.script.shift() ?? 200;
        const verified = verifyWebhook(this.secret, req.headers as Record<string, string>, body);
        this.received.push({
          path: req.url ?? '',
          headers: req.headers,
          body,
          verified,
          status: next === 'hang' ? 0 : next,
          receivedAtMs: Date.now(),
        });
        if (next !== 'hang') res.writeHead(next).end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as { port: number }).port;
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Accepted deliveries (2xx), one per webhook-id: what a deduplicating receiver keeps. */
  delivered(path?: string): ReceivedWebhook[] {
    const byId = new Map<string, ReceivedWebhook>();
    for (const r of this.received)
      if (r.status >= 200 && r.status < 300 && (!path || r.path === path)) byId.set(String(r.headers['webhook-id']), r);
    return [...byId.values()];
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

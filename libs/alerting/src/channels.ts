import type { AlertingSettings } from './spec';
import { EmailChannel, type MailTransport } from './email';
import type { Channel } from './notification';
import { WebhookChannel } from './webhook';

/**
 * The configured channels by name. Email channels share one pooled SMTP transport, made only when
 * some channel sends email (so a webhook-only setup needs no SMTP settings).
 */
export function channelsFromConfig(settings: AlertingSettings, smtp: () => MailTransport): Map<string, Channel> {
  const channels = new Map<string, Channel>();
  let transport: MailTransport | undefined;
  for (const spec of Object.values(settings.channels)) {
    if (spec.kind === 'email') channels.set(spec.name, new EmailChannel(spec.name, spec.to, (transport ??= smtp())));
    else channels.set(spec.name, new WebhookChannel(spec));
  }
  return channels;
}

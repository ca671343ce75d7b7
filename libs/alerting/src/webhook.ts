import { ALL_VERSIONS } from '@driftwatch/clickhouse';
import { formatNumber } from '@driftwatch/format';
import { attemptWebhook, type AttemptResult } from './delivery';
import type { Channel, Evidence, Notification } from './notification';
import type { WebhookChannelSpec } from './spec';

/**
 * A webhook endpoint. `standard`: the notification itself as JSON (driftwatch.notification.v1),
 * signed the Standard Webhooks way; webhook-id is the notification id on every attempt, so a
 * receiver can drop repeats. `slack`: a Slack incoming-webhook message ({ text }).
 */
export class WebhookChannel implements Channel {
  readonly kind = 'webhook';
  readonly name: string;

  constructor(private readonly spec: Pick<WebhookChannelSpec, 'name' | 'url' | 'secret' | 'format' | 'timeoutMs'>) {
    this.name = spec.name;
  }

  send(notification: Notification): Promise<AttemptResult> {
    const body =
      this.spec.format === 'slack' ? JSON.stringify(slackMessage(notification)) : JSON.stringify(notification);
    return attemptWebhook({
      url: this.spec.url,
      secret: this.spec.secret,
      id: notification.id,
      body,
      timeoutMs: this.spec.timeoutMs,
    });
  }
}

/** `psi 0.41 > 0.2 (dep_hour, v2)`. */
export function describeEvidence(e: Evidence): string {
  const where = [e.feature, e.modelVersion === ALL_VERSIONS ? undefined : e.modelVersion].filter(Boolean).join(', ');
  return `${e.metric} ${formatNumber(e.value)} ${e.op} ${formatNumber(e.threshold)}${where ? ` (${where})` : ''}`;
}

/** Slack's incoming-webhook format: mrkdwn text, one line per alert. Slack escapes only & < >. */
export function slackMessage(n: Notification): { text: string } {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const window = `${new Date(n.windowStartMs).toISOString()} – ${new Date(n.windowEndMs).toISOString()}`;
  const lines: string[] = [];
  if (n.kind === 'retraining' && n.retraining) {
    lines.push(
      `:arrows_counterclockwise: *Retraining requested* for model *${esc(n.model)}* (version ${esc(n.retraining.modelVersion)}): ${esc(n.retraining.reason)}`,
    );
    for (const f of n.retraining.driftedFeatures)
      lines.push(`• ${esc(f.feature)}: ${f.method} ${formatNumber(f.value)} (threshold ${formatNumber(f.threshold)})`);
  } else {
    for (const a of n.alerts) {
      const icon =
        a.state === 'resolved' ? ':white_check_mark:' : a.severity === 'critical' ? ':rotating_light:' : ':warning:';
      const state = a.state === 'resolved' ? 'RESOLVED' : a.repeat ? 'STILL FIRING' : 'FIRING';
      lines.push(
        `${icon} *${state}* ${esc(a.rule)} (${a.severity}) on model *${esc(n.model)}*${a.modelVersion === ALL_VERSIONS ? '' : ` version ${esc(a.modelVersion)}`}: \`${esc(a.condition)}\``,
      );
      for (const e of a.evidence.slice(0, 10)) lines.push(`• ${esc(describeEvidence(e))}`);
      if (a.evidence.length > 10) lines.push(`• … and ${a.evidence.length - 10} more`);
    }
  }
  lines.push(`monitor ${esc(n.monitor)} · window ${window} · run ${esc(n.runId)}`);
  return { text: lines.join('\n') };
}

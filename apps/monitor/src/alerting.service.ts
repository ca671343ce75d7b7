import { Injectable, Logger } from '@nestjs/common';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { ClickHouse } from '@driftwatch/clickhouse';
import type { MonitorSpec } from '@driftwatch/config';
import {
  AlertEngine,
  channelsFromConfig,
  ClickHouseAlertStore,
  createSmtpTransport,
  Outbox,
  type Channel,
  type DeliveryRecord,
  type SmtpTransport,
} from '@driftwatch/alerting';
import type { RunOutcome } from '@driftwatch/drift';
import { MonitorSettingsToken } from './settings';

/**
 * Alerting for the monitor app: wires the channels from config, the ClickHouse-backed outbox and
 * the alert engine, and counts deliveries in /metrics. The logic is in libs/alerting.
 */
@Injectable()
export class AlertingService {
  private readonly logger = new Logger('alerting');
  private transport: SmtpTransport | undefined;
  private outbox: Outbox | undefined;
  private engine: AlertEngine | undefined;
  private channels = new Map<string, Channel>();
  private deliveries: Counter<'channel' | 'status'> | undefined;
  private failed: Counter<'channel'> | undefined;
  private firstAttempt: Histogram<'channel'> | undefined;

  constructor(private readonly settings: MonitorSettingsToken) {}

  get enabled(): boolean {
    return this.settings.config.monitors.some((m) => m.rules.length > 0 || m.retraining);
  }

  /** Reads the alert history back and resumes unfinished deliveries. Call after migrations. */
  async start(ch: ClickHouse, registry: Registry): Promise<void> {
    this.deliveries = new Counter({
      name: 'driftwatch_alert_delivery_attempts_total',
      help: 'Notification delivery attempts by channel and result (sent, retrying, failed)',
      labelNames: ['channel', 'status'],
      registers: [registry],
    });
    this.failed = new Counter({
      name: 'driftwatch_alert_deliveries_failed_total',
      help: 'Notifications given up on (not retryable, or out of attempts)',
      labelNames: ['channel'],
      registers: [registry],
    });
    this.firstAttempt = new Histogram({
      name: 'driftwatch_alert_first_attempt_seconds',
      help: 'From the end of a monitor run to the first delivery attempt of its notification',
      labelNames: ['channel'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    });
    const backlog = () => this.outbox?.backlog ?? 0;
    new Gauge({
      name: 'driftwatch_alert_outbox_backlog',
      help: 'Notifications queued or waiting for a retry',
      registers: [registry],
      collect() {
        this.set(backlog());
      },
    });
    if (!this.enabled) return;
    const { alerting, monitors } = this.settings.config;
    this.channels = channelsFromConfig(alerting, () => {
      if (!this.settings.smtp) throw new Error('an email channel needs the SMTP settings');
      return (this.transport = createSmtpTransport(this.settings.smtp));
    });
    const store = new ClickHouseAlertStore(ch);
    this.outbox = new Outbox(store, this.channels, {
      maxAttempts: alerting.maxAttempts,
      retryBaseMs: alerting.retryBaseMs,
      retryMaxMs: alerting.retryMaxMs,
      onAttempt: (record) => this.counted(record),
      onError: (message) => this.logger.error(message),
    });
    await this.outbox.start();
    this.engine = new AlertEngine(store, this.outbox, monitors, alerting.repeatIntervalMs);
    const recovered = await this.engine.start();
    this.logger.log(
      `${this.channels.size} channels; ${this.outbox.backlog} deliveries resumed, ${recovered} notifications recovered`,
    );
  }

  /** Rules of one finished run. A failure is logged: the run itself stays recorded. */
  async onRun(spec: MonitorSpec, outcome: RunOutcome): Promise<void> {
    if (!this.engine || outcome.status !== 'ok' || (spec.rules.length === 0 && !spec.retraining)) return;
    try {
      const { events, queued } = await this.engine.evaluate(spec, {
        runId: outcome.runId,
        windowStartMs: outcome.windowStartMs,
        windowEndMs: outcome.windowEndMs,
        baselineId: outcome.baselineId ?? '',
        endedAtMs: outcome.storedAtMs ?? Date.now(),
        drift: outcome.drift ?? [],
        health: outcome.health ?? [],
        quality: outcome.quality ?? [],
      });
      const run = { monitor: spec.name, model: spec.model, runId: outcome.runId };
      for (const e of events.filter((e) => e.notify))
        this.logger.log(`alert ${e.alertKey}: ${e.notify} (${e.condition})`, run);
      if (queued.length)
        this.logger.log(
          `monitor ${spec.name}: ${queued.length} notifications queued (${queued.map((q) => q.channel).join(', ')})`,
          run,
        );
    } catch (err) {
      this.logger.error(`monitor ${spec.name}: alert rules of run ${outcome.runId} failed: ${(err as Error).message}`, {
        monitor: spec.name,
        model: spec.model,
        runId: outcome.runId,
      });
    }
  }

  private counted(record: DeliveryRecord): void {
    this.deliveries?.inc({ channel: record.channel, status: record.status });
    if (record.status === 'failed') {
      this.failed?.inc({ channel: record.channel });
      this.logger.error(`delivery ${record.deliveryId} to ${record.channel} failed: ${record.error}`, {
        model: record.model,
        runId: record.runId,
        channel: record.channel,
      });
    }
    if (record.attempt === 1 && record.runEndedMs > 0)
      this.firstAttempt?.observe({ channel: record.channel }, (record.attemptedMs - record.runEndedMs) / 1000);
  }

  async stop(): Promise<void> {
    await this.outbox?.stop();
    this.transport?.close();
  }
}

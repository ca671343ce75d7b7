import { formatDateTime, literal, TABLES, type ClickHouse } from '@driftwatch/clickhouse';
import type { AlertState, AlertStatus } from './lifecycle';
import type { DeliveryRecord, OutboxStore } from './outbox';

/** One row of alert_events. */
export interface AlertEventRecord {
  alertKey: string;
  kind: 'alert' | 'retraining';
  monitor: string;
  model: string;
  modelVersion: string;
  rule: string;
  severity: string;
  status: AlertStatus | 'triggered' | 'suppressed';
  notify: string;
  state: AlertState;
  evaluatedAtMs: number;
  runId: string;
  condition: string;
  labels: Record<string, string>;
  noticeId: string;
  routes: string[];
  /** JSON of what is needed to enqueue the notice again (see engine.ts). */
  notice: string;
}

export interface AlertStore {
  appendAlertEvents(records: readonly AlertEventRecord[]): Promise<void>;
  /** The latest row of every alert and retraining key of these monitors. */
  latestAlertEvents(monitors: readonly string[]): Promise<AlertEventRecord[]>;
  /** Rows that called for a notification, recorded within the history window the outbox checks, oldest first. */
  noticeEvents(monitors: readonly string[]): Promise<AlertEventRecord[]>;
  /** alert key -> window end of its latest `triggered` row. */
  lastRetraining(monitors: readonly string[]): Promise<Map<string, number>>;
}

/** Orders rows of one process; a restart starts from a later clock. */
function sequence(): () => number {
  let last = 0;
  return () => (last = Math.max(last + 1, Date.now() * 1000));
}

interface AlertEventRow {
  alert_key: string;
  kind: 'alert' | 'retraining';
  monitor: string;
  model: string;
  model_version: string;
  rule: string;
  severity: string;
  status: AlertEventRecord['status'];
  notify: string;
  active_since_ms: string;
  consecutive: number;
  last_notified_ms: string;
  evaluated_at_ms: string;
  run_id: string;
  condition: string;
  labels: string;
  notice_id: string;
  routes: string[];
  notice: string;
}

interface DeliveryRow {
  delivery_id: string;
  channel: string;
  channel_kind: 'email' | 'webhook';
  kind: 'alert' | 'retraining';
  monitor: string;
  model: string;
  run_id: string;
  notice_ids: string[];
  status: DeliveryRecord['status'];
  attempt: number;
  next_attempt_ms: string;
  http_status: number;
  error: string;
  run_ended_ms: string;
  attempted_ms: string;
  payload: string;
}

const HISTORY_DAYS = 30;

/** Alert history and outbox in ClickHouse (migrations/003_alerting.sql): append-only, latest row wins. */
export class ClickHouseAlertStore implements AlertStore, OutboxStore {
  private readonly seq = sequence();

  constructor(private readonly ch: ClickHouse) {}

  async appendAlertEvents(records: readonly AlertEventRecord[]): Promise<void> {
    if (records.length === 0) return;
    const now = formatDateTime(Date.now());
    await this.ch.insert(
      TABLES.alertEvents,
      records.map((r) => ({
        seq: this.seq(),
        recorded_at: now,
        alert_key: r.alertKey,
        kind: r.kind,
        monitor: r.monitor,
        model: r.model,
        model_version: r.modelVersion,
        rule: r.rule,
        severity: r.severity,
        status: r.status,
        notify: r.notify,
        active_since_ms: r.state.activeSinceMs,
        consecutive: r.state.consecutive,
        last_notified_ms: r.state.lastNotifiedMs,
        evaluated_at: formatDateTime(r.evaluatedAtMs),
        evaluated_at_ms: r.evaluatedAtMs,
        run_id: r.runId,
        condition: r.condition,
        labels: JSON.stringify(r.labels),
        notice_id: r.noticeId,
        routes: r.routes,
        notice: r.notice,
      })),
    );
  }

  latestAlertEvents(monitors: readonly string[]): Promise<AlertEventRecord[]> {
    return this.alertEvents(monitors, '1', 'ORDER BY alert_key, seq DESC LIMIT 1 BY alert_key');
  }

  noticeEvents(monitors: readonly string[]): Promise<AlertEventRecord[]> {
    return this.alertEvents(
      monitors,
      `notice_id != '' AND recorded_at >= now() - INTERVAL ${HISTORY_DAYS} DAY`,
      'ORDER BY seq',
    );
  }

  private async alertEvents(monitors: readonly string[], where: string, order: string): Promise<AlertEventRecord[]> {
    if (monitors.length === 0) return [];
    const rows = await this.ch.query<AlertEventRow>(
      `SELECT alert_key, kind, monitor, model, model_version, rule, severity, status, notify, toString(active_since_ms) AS active_since_ms, consecutive,
              toString(last_notified_ms) AS last_notified_ms, toString(evaluated_at_ms) AS evaluated_at_ms, run_id, condition, labels, notice_id, routes, notice
       FROM ${TABLES.alertEvents}
       WHERE monitor IN (${monitors.map(literal).join(', ')}) AND ${where}
       ${order}`,
    );
    return rows.map((r) => ({
      alertKey: r.alert_key,
      kind: r.kind,
      monitor: r.monitor,
      model: r.model,
      modelVersion: r.model_version,
      rule: r.rule,
      severity: r.severity,
      status: r.status,
      notify: r.notify,
      state: {
        status: r.status === 'triggered' || r.status === 'suppressed' ? 'inactive' : r.status,
        activeSinceMs: Number(r.active_since_ms),
        consecutive: Number(r.consecutive),
        lastNotifiedMs: Number(r.last_notified_ms),
      },
      evaluatedAtMs: Number(r.evaluated_at_ms),
      runId: r.run_id,
      condition: r.condition,
      labels: JSON.parse(r.labels || '{}') as Record<string, string>,
      noticeId: r.notice_id,
      routes: r.routes,
      notice: r.notice,
    }));
  }

  async lastRetraining(monitors: readonly string[]): Promise<Map<string, number>> {
    if (monitors.length === 0) return new Map();
    const rows = await this.ch.query<{ alert_key: string; at: string }>(
      `SELECT alert_key, toString(max(evaluated_at_ms)) AS at FROM ${TABLES.alertEvents}
       WHERE kind = 'retraining' AND status = 'triggered' AND monitor IN (${monitors.map(literal).join(', ')})
       GROUP BY alert_key`,
    );
    return new Map(rows.map((r) => [r.alert_key, Number(r.at)]));
  }

  async appendDeliveries(records: readonly DeliveryRecord[]): Promise<void> {
    const now = formatDateTime(Date.now());
    await this.ch.insert(
      TABLES.alertDeliveries,
      records.map((r) => ({
        seq: this.seq(),
        recorded_at: now,
        delivery_id: r.deliveryId,
        channel: r.channel,
        channel_kind: r.channelKind,
        kind: r.kind,
        monitor: r.monitor,
        model: r.model,
        run_id: r.runId,
        notice_ids: r.noticeIds,
        status: r.status,
        attempt: r.attempt,
        next_attempt_ms: r.nextAttemptMs,
        http_status: r.httpStatus,
        error: r.error.slice(0, 2000),
        run_ended_ms: r.runEndedMs,
        attempted_ms: r.attemptedMs,
        payload: r.payload,
      })),
    );
  }

  async unfinishedDeliveries(): Promise<DeliveryRecord[]> {
    const recent = `recorded_at >= now() - INTERVAL ${HISTORY_DAYS} DAY`;
    const latest = await this.ch.query<DeliveryRow>(
      `SELECT delivery_id, channel, channel_kind, kind, monitor, model, run_id, notice_ids, status, attempt, toString(next_attempt_ms) AS next_attempt_ms,
              http_status, error, toString(run_ended_ms) AS run_ended_ms, toString(attempted_ms) AS attempted_ms, '' AS payload
       FROM ${TABLES.alertDeliveries} WHERE ${recent}
       ORDER BY delivery_id, seq DESC LIMIT 1 BY delivery_id`,
    );
    const open = latest.filter((r) => r.status === 'queued' || r.status === 'retrying');
    if (open.length === 0) return [];
    const payloads = await this.ch.query<{ delivery_id: string; payload: string }>(
      `SELECT delivery_id, any(payload) AS payload FROM ${TABLES.alertDeliveries}
       WHERE ${recent} AND status = 'queued' AND delivery_id IN (${open.map((r) => literal(r.delivery_id)).join(', ')})
       GROUP BY delivery_id`,
    );
    const payloadOf = new Map(payloads.map((p) => [p.delivery_id, p.payload]));
    return open.map((r) => ({
      deliveryId: r.delivery_id,
      channel: r.channel,
      channelKind: r.channel_kind,
      kind: r.kind,
      monitor: r.monitor,
      model: r.model,
      runId: r.run_id,
      noticeIds: r.notice_ids,
      status: r.status,
      attempt: Number(r.attempt),
      nextAttemptMs: Number(r.next_attempt_ms),
      httpStatus: Number(r.http_status),
      error: r.error,
      runEndedMs: Number(r.run_ended_ms),
      attemptedMs: Number(r.attempted_ms),
      payload: payloadOf.get(r.delivery_id) ?? '',
    }));
  }

  async queuedNotices(): Promise<Set<string>> {
    const rows = await this.ch.query<{ channel: string; notice_id: string }>(
      `SELECT DISTINCT channel, notice_id FROM ${TABLES.alertDeliveries} ARRAY JOIN notice_ids AS notice_id
       WHERE status = 'queued' AND recorded_at >= now() - INTERVAL ${HISTORY_DAYS} DAY`,
    );
    return new Set(rows.map((r) => `${r.channel}\n${r.notice_id}`));
  }
}

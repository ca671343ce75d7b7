// Public API of @driftwatch/alerting: what a monitor asks of alerting (parsed by libs/config), the
// alert engine and its ClickHouse store, the delivery outbox and the channels. What other packages
// use, nothing more.

// What a monitor asks of alerting
export {
  ALL_QUALITY_METRICS,
  FEATURE_METRICS,
  isFeatureMetric,
  isQualityMetric,
  MODEL_METRICS,
  type AlertingMonitorSpec,
  type AlertingSettings,
  type ChannelSpec,
  type Comparison,
  type Condition,
  type QualityMetric,
  type RetrainingSpec,
  type RuleMetric,
  type RuleSpec,
  type Severity,
} from './spec';

// Rules -> alert lifecycle -> notifications
export { AlertEngine } from './engine';
export { ClickHouseAlertStore } from './store';
export type { Channel, Notification } from './notification';

// Delivery
export { Outbox, type DeliveryRecord } from './outbox';
export { channelsFromConfig } from './channels';
export { createSmtpTransport, smtpSettingsFromEnv, type SmtpSettings, type SmtpTransport } from './email';
export { WebhookChannel } from './webhook';
export { attemptWebhook } from './delivery';
export { verifyWebhook } from './signature';

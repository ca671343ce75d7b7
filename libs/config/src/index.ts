// Public API of @driftwatch/config: the monitor config file, read and checked at start-up into the
// specs libs/drift and libs/alerting define. What other packages use, nothing more.
export {
  DEFAULT_MONITOR_SETTINGS,
  loadMonitorConfig,
  MonitorConfigError,
  parseMonitorConfig,
  type MonitorConfig,
  type MonitorSpec,
} from './monitor-config';

// Public API of @driftwatch/runtime: how a driftwatch program runs in production, the same way in
// every app: its log lines (format, level, fields) and the Node.js version it needs. Nothing here
// loads NestJS at run time (the logger implements Nest's LoggerService by shape), so the version
// check can run before Nest, which needs require(esm), is loaded.

export {
  LOG_FORMATS,
  LOG_LEVELS,
  logSettingsFromEnv,
  type LogFormat,
  type LogLevel,
  type LogSettings,
} from './log-settings';
export { formatLogLine, type LogFields, type LogRecord } from './log-line';
export { ServiceLogger, type LineOutput } from './service-logger';
export { runService } from './run-service';
export { SUPPORTED_NODE, satisfies as nodeSatisfies, unsupportedNodeMessage } from './node-version';

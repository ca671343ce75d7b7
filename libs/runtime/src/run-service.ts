import type { Env } from '@driftwatch/env';
import { logSettingsFromEnv } from './log-settings';
import { ServiceLogger } from './service-logger';

/**
 * Starts a long-running service the same way in every app: its logger from LOG_FORMAT and
 * LOG_LEVEL (a bad value stops it before anything else, as plain text on stderr, since no format
 * is settled), Node's process warnings routed to that logger, then `start(logger)`. A failure to
 * start is logged in the chosen format and the process exits with status 1.
 */
export function runService(
  service: string,
  start: (logger: ServiceLogger) => Promise<void>,
  env: Env = process.env,
): void {
  let logger: ServiceLogger;
  try {
    logger = new ServiceLogger(service, logSettingsFromEnv(env));
  } catch (err) {
    process.stderr.write(`driftwatch ${service} failed to start: ${(err as Error).message}\n`);
    process.exit(1);
  }
  logger.takeProcessWarnings();
  start(logger).catch((err: Error) => {
    logger.error(`driftwatch ${service} failed to start: ${err.message}`);
    process.exit(1);
  });
}

import './supported-node';
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { runService } from '@driftwatch/runtime';
import { IngestModule } from './ingest.module';
import { ingestSettingsFromEnv } from './settings';

/** Ingest service: Kafka topics -> ClickHouse raw tables. SIGTERM/SIGINT: stop fetching, flush, commit, exit 0. */
runService('ingest', async (logger) => {
  const settings = ingestSettingsFromEnv(); // fail fast, before Nest starts, on a bad environment
  const app = await NestFactory.create(IngestModule, { logger });
  await app.listen(settings.httpPort, settings.httpHost);
  Logger.log(`http on ${settings.httpHost}:${settings.httpPort} (/health/live, /health/ready, /metrics)`, 'ingest');
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    Logger.log(`${signal} received`, 'ingest');
    // the consumer keeps to its deadline; this is the backstop should anything else hang
    setTimeout(() => {
      Logger.error(`shutdown took longer than ${settings.shutdownTimeoutMs + 5000} ms; exiting`, 'ingest');
      process.exit(1);
    }, settings.shutdownTimeoutMs + 5000).unref();
    app.close().then(
      () => process.exit(0),
      (err: Error) => {
        Logger.error(`shutdown failed: ${err.message}`, 'ingest');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
});

import './supported-node';
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { runService } from '@driftwatch/runtime';
import { MonitorModule } from './monitor.module';
import { monitorSettingsFromEnv } from './settings';

/** Monitor service: scheduled drift and health runs. A bad environment or config file stops it here. */
runService('monitor', async (logger) => {
  const settings = monitorSettingsFromEnv();
  const app = await NestFactory.create(MonitorModule, { logger });
  await app.listen(settings.httpPort, settings.httpHost);
  Logger.log(
    `http on ${settings.httpHost}:${settings.httpPort}; ${settings.config.monitors.length} monitors from ${settings.configPath}`,
    'monitor',
  );
  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
});

import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MonitorModule } from './monitor.module';
import { monitorSettingsFromEnv } from './settings';

/** Monitor service: scheduled drift and health runs. A bad environment or config file stops it here. */
async function main(): Promise<void> {
  const settings = monitorSettingsFromEnv();
  const app = await NestFactory.create(MonitorModule, { logger: ['error', 'warn', 'log'] });
  await app.listen(settings.httpPort, settings.httpHost);
  Logger.log(`http on ${settings.httpHost}:${settings.httpPort}; ${settings.config.monitors.length} monitors from ${settings.configPath}`, 'monitor');
  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    app.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((err: Error) => {
  console.error(`driftwatch monitor failed to start: ${err.message}`);
  process.exit(1);
});

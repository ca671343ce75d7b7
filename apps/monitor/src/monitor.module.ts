import { Module } from '@nestjs/common';
import { HttpController } from './http.controller';
import { AlertingService } from './alerting.service';
import { SchedulerService } from './scheduler.service';
import { monitorSettingsFromEnv, MonitorSettingsToken } from './settings';

@Module({
  controllers: [HttpController],
  providers: [{ provide: MonitorSettingsToken, useFactory: () => monitorSettingsFromEnv() }, AlertingService, SchedulerService],
})
export class MonitorModule {}

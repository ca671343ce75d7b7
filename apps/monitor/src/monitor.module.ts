import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { HttpController } from './http.controller';
import { AlertingService } from './alerting.service';
import { SchedulerService } from './scheduler.service';
import { monitorSettingsFromEnv, MonitorSettingsToken } from './settings';

@Module({
  // provides the SchedulerRegistry that holds each monitor's cron job
  imports: [ScheduleModule.forRoot()],
  controllers: [HttpController],
  providers: [
    { provide: MonitorSettingsToken, useFactory: () => monitorSettingsFromEnv() },
    AlertingService,
    SchedulerService,
  ],
})
export class MonitorModule {}

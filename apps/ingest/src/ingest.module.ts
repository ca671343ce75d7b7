import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { HttpController } from './http.controller';
import { IngestService } from './ingest.service';
import { IngestMetrics } from './metrics';
import { ingestSettingsFromEnv } from './settings';
import { IngestSettings } from './settings.token';

@Module({
  imports: [ScheduleModule.forRoot()],
  controllers: [HttpController],
  providers: [{ provide: IngestSettings, useFactory: () => ingestSettingsFromEnv() }, IngestMetrics, IngestService],
})
export class IngestModule {}

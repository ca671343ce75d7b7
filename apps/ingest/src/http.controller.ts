import { Controller, Get, Header, HttpCode, ServiceUnavailableException } from '@nestjs/common';
import { IngestService } from './ingest.service';
import { IngestMetrics } from './metrics';

@Controller()
export class HttpController {
  constructor(
    private readonly ingest: IngestService,
    private readonly metrics: IngestMetrics,
  ) {}

  /** 503 when the consumer cannot go on (down, or a batch stuck in the decoder). */
  @Get('health/live')
  live(): { status: string } {
    if (!this.ingest.health().live) throw new ServiceUnavailableException({ status: 'down' });
    return { status: 'ok' };
  }

  /** 503 while starting, stopping, or while ClickHouse refuses the inserts, with the reason. */
  @Get('health/ready')
  ready(): { status: string; reason?: string } {
    const h = this.ingest.health();
    if (!h.ready) throw new ServiceUnavailableException({ status: 'not ready', reason: h.reason });
    return { status: 'ok', reason: h.reason };
  }

  @Get('metrics')
  @HttpCode(200)
  @Header('Content-Type', 'text/plain; version=0.0.4')
  metricsText(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}

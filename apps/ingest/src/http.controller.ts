import { Controller, Get, Header, HttpCode, Res } from '@nestjs/common';
import type { Response } from 'express';
import { IngestService } from './ingest.service';
import { IngestMetrics } from './metrics';

@Controller()
export class HttpController {
  constructor(private readonly ingest: IngestService, private readonly metrics: IngestMetrics) {}

  @Get('health/live')
  live(@Res() res: Response): void {
    const h = this.ingest.health();
    res.status(h.live ? 200 : 503).json({ status: h.live ? 'ok' : 'down' });
  }

  @Get('health/ready')
  ready(@Res() res: Response): void {
    const h = this.ingest.health();
    res.status(h.ready ? 200 : 503).json({ status: h.ready ? 'ok' : 'not ready', reason: h.reason });
  }

  @Get('metrics')
  @HttpCode(200)
  @Header('Content-Type', 'text/plain; version=0.0.4')
  metricsText(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}

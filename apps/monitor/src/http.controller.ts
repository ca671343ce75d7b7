import { Controller, Get, Header, Res } from '@nestjs/common';
import type { Response } from 'express';
import { SchedulerService } from './scheduler.service';

@Controller()
export class HttpController {
  constructor(private readonly scheduler: SchedulerService) {}

  @Get('health/live')
  live(): { status: string } {
    return { status: 'ok' };
  }

  @Get('health/ready')
  ready(@Res() res: Response): void {
    const ok = this.scheduler.ready();
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'starting' });
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  metrics(): Promise<string> {
    return this.scheduler.registry.metrics();
  }
}

import { Controller, Get, Header, ServiceUnavailableException } from '@nestjs/common';
import { SchedulerService } from './scheduler.service';

@Controller()
export class HttpController {
  constructor(private readonly scheduler: SchedulerService) {}

  @Get('health/live')
  live(): { status: string } {
    return { status: 'ok' };
  }

  /** 503 until every monitor is scheduled (after migrations, alerting's start and catch-up). */
  @Get('health/ready')
  ready(): { status: string } {
    if (!this.scheduler.ready()) throw new ServiceUnavailableException({ status: 'starting' });
    return { status: 'ok' };
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  metrics(): Promise<string> {
    return this.scheduler.registry.metrics();
  }
}

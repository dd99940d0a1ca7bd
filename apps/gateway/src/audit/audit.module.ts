import { Global, Module, type OnModuleInit } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AppConfig } from '@cobrowse/config';
import { AuditLog, NatsConnectionService } from '@cobrowse/messaging';
import { AuditController } from './audit.controller';
import { AuditInterceptor } from './audit.interceptor';

/** The audit of administrative actions: recorded around @Audited routes, read at GET /v1/audit. */
@Global()
@Module({
  controllers: [AuditController],
  providers: [
    {
      provide: AuditLog,
      inject: [NatsConnectionService],
      useFactory: (nats: NatsConnectionService) => new AuditLog(nats),
    },
    { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
  ],
  exports: [AuditLog],
})
export class AuditModule implements OnModuleInit {
  constructor(
    private readonly audit: AuditLog,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): Promise<void> {
    return this.audit.ensure({
      replicas: this.config.EVENTS_STREAM_REPLICAS,
      retentionDays: this.config.AUDIT_RETENTION_DAYS,
    });
  }
}

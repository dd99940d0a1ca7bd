import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { RPC, SERVICE_NAMES, type ServiceHealth } from '@cobrowse/contracts';
import { NatsConnectionService, RpcClient } from '@cobrowse/messaging';
import { Public } from '../auth/require-scope.decorator';
import { HealthDto } from '../docs/schemas';
import { LiveStreamsService } from '../live/live-streams.service';

const PROBE_TIMEOUT_MS = 2_000;

/** Liveness and readiness: NATS and MongoDB reachability of every service. */
@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly nats: NatsConnectionService,
    private readonly live: LiveStreamsService,
  ) {}

  @Get()
  @ApiOperation({ summary: '200 when every service and its dependencies are up, 503 otherwise' })
  @ApiResponse({ status: 200, type: HealthDto })
  @ApiResponse({ status: 503, type: HealthDto })
  async health(@Res({ passthrough: true }) response: Response): Promise<HealthDto> {
    const services: Record<string, Omit<ServiceHealth, 'service'>> = {};
    const gatewayNats = await this.nats.health();
    services.gateway = {
      status: gatewayNats.status === 'up' ? 'up' : 'down',
      dependencies: { nats: gatewayNats, mongodb: { status: 'not-used' } },
      details: { live_streams: this.live.openFeeds },
    };
    await Promise.all(
      SERVICE_NAMES.filter((name) => name !== 'gateway').map(async (name) => {
        try {
          const { service: _service, ...health } = await this.rpc.send<ServiceHealth>(
            RPC.health(name),
            {},
            PROBE_TIMEOUT_MS,
          );
          services[name] = health;
        } catch {
          services[name] = {
            status: 'down',
            dependencies: {
              nats: { status: 'down', error: 'no replica answered' },
              mongodb: { status: 'down' },
            },
          };
        }
      }),
    );
    const ok = Object.values(services).every((s) => s.status === 'up');
    response.status(ok ? 200 : 503);
    return { status: ok ? 'ok' : 'degraded', services };
  }
}

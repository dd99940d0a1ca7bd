import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { Response } from 'express';
import { AppConfig } from '@cobrowse/config';
import { EventLog, NatsConnectionService } from '@cobrowse/messaging';
import { sseClients } from '@cobrowse/observability';
import { LiveFeed, type LiveFeedScope } from './live-feed';
import { SseSink } from './sse-sink';

const CLIENT_RETRY_MS = 2_000;

/** Opens SSE feeds and keeps count of them; a feed lives exactly as long as its HTTP response. */
@Injectable()
export class LiveStreamsService implements OnApplicationShutdown {
  private readonly logger = new Logger(LiveStreamsService.name);
  private readonly feeds = new Set<LiveFeed>();

  constructor(
    private readonly nats: NatsConnectionService,
    private readonly log: EventLog,
    private readonly config: AppConfig,
  ) {}

  get openFeeds(): number {
    return this.feeds.size;
  }

  /** Serves one feed until its client goes; `kind` labels the open-streams gauge. */
  async stream(
    response: Response,
    kind: 'tenant' | 'session',
    scope: Omit<LiveFeedScope, 'keepAliveMs'>,
  ): Promise<void> {
    const sink = new SseSink(response);
    const feed = new LiveFeed({ nc: this.nats.nc, log: this.log }, sink, {
      ...scope,
      keepAliveMs: this.config.SSE_KEEPALIVE_MS,
    });
    this.feeds.add(feed);
    sseClients.inc({ stream: kind });
    const closed = new Promise<void>((resolve) => response.on('close', resolve));
    sink.open();
    await sink.retry(CLIENT_RETRY_MS);
    try {
      await Promise.race([feed.start(), closed]);
      await closed;
    } catch (e) {
      // Headers are sent: ending the response tells the client to reconnect (with its Last-Event-ID).
      this.logger.warn({ msg: 'live feed could not start', error: (e as Error).message });
      response.end();
    } finally {
      await feed.close();
      this.feeds.delete(feed);
      sseClients.dec({ stream: kind });
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.feeds].map((feed) => feed.close()));
  }
}

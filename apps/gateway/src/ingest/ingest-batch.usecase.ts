import { Injectable } from '@nestjs/common';
import { LifecycleClient } from '../services/lifecycle.client';
import type { ReportedSessionEvent } from '@cobrowse/contracts';
import type { BatchResultDto } from './dto/ingest-batch.dto';
import { parseBatchItem } from './batch-item.parser';

/**
 * POST /v1/events and cobrowse.ingest: 1..500 facts of any sessions; every item gets a
 * result, in request order; invalid items are rejected here and never reach the log.
 */
@Injectable()
export class IngestBatchUseCase {
  constructor(private readonly lifecycle: LifecycleClient) {}

  async execute(tenant: string, items: unknown[]): Promise<{ results: BatchResultDto[] }> {
    const results: BatchResultDto[] = new Array(items.length);
    const valid: ReportedSessionEvent[] = [];
    const positions: number[] = [];
    items.forEach((item, index) => {
      const parsed = parseBatchItem(tenant, item);
      if (parsed.ok) {
        valid.push(parsed.event);
        positions.push(index);
      } else {
        results[index] = {
          event_id: parsed.event_id,
          session_id: parsed.session_id,
          status: 'rejected',
          error: { code: parsed.error.code, message: parsed.error.message, details: parsed.error.details },
        };
      }
    });
    if (valid.length) {
      const decided = await this.lifecycle.append(tenant, valid);
      decided.forEach((result, i) => {
        const event = valid[i];
        results[positions[i]] = {
          event_id: result.event_id,
          session_id: event.session_id,
          status: result.status,
          ...(result.version !== undefined ? { version: result.version } : {}),
          ...(result.error
            ? {
                error: {
                  code: result.error.code,
                  message: result.error.message,
                  details: result.error.details,
                },
              }
            : {}),
        };
      });
    }
    return { results };
  }
}

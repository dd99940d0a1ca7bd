import { randomUUID } from 'node:crypto';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Msg, Subscription } from 'nats';
import {
  ExportErrorCode,
  ExportException,
  RPC,
  toErrorBody,
  type ExportChunkReply,
  type ExportChunkRequest,
  type OpenExportReply,
  type OpenExportRequest,
} from '@cobrowse/contracts';
import { NatsConnectionService } from '@cobrowse/messaging';
import { SessionListReader } from '../session-list/session-list.reader';
import type { ListRow } from '../session-list/list-row';
import { csvHeader, csvRow } from './csv';

const ROWS_PER_CHUNK = 500;
/**
 * A chunk ends once its CSV reaches this many characters: a row is at most ~25k characters,
 * and even if every character needed a six-byte JSON escape the reply stays under NATS's 1 MB.
 */
const CHUNK_CHARACTERS = 128 * 1024;
/** A chunk is answered by then even if the database is slow, so the gateway never mistakes slowness for loss. */
const CHUNK_PATIENCE_MS = 5_000;
const IDLE_CLOSE_MS = 60_000;
const STILL_READING = Symbol('still reading');

interface OpenExport {
  rows: AsyncIterator<ListRow>;
  /** A read that outlived the previous chunk's patience; the next chunk starts by awaiting it. */
  pending?: Promise<IteratorResult<ListRow>>;
  keys: string[];
  idle: NodeJS.Timeout;
}

/**
 * CSV export with constant memory: a first pass over the index pages collects the custom
 * data keys (the columns), a second streams the rows in list order. The rows carry every
 * column, so an export reads no session document. The gateway pulls chunks one at a time, so neither side
 * holds more than a chunk however many rows there are.
 */
@Injectable()
export class ExportSessionsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ExportSessionsService.name);
  private readonly replicaId = randomUUID();
  private readonly exports = new Map<string, OpenExport>();
  private subscription?: Subscription;

  constructor(
    private readonly list: SessionListReader,
    private readonly nats: NatsConnectionService,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = this.nats.nc.subscribe(RPC.projectorExportChunks(this.replicaId), {
      callback: (_err, msg) => void this.answer(msg),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.subscription?.unsubscribe();
    await Promise.all([...this.exports.keys()].map((id) => this.close(id)));
  }

  async open(request: OpenExportRequest): Promise<OpenExportReply> {
    const keys = new Set<string>();
    for await (const row of this.list.rows(request.tenant, request.query))
      for (const key of Object.keys(row.custom_data)) keys.add(key);
    const sorted = [...keys].sort();
    const exportId = randomUUID();
    const rows = this.list.rows(request.tenant, request.query)[Symbol.asyncIterator]();
    this.exports.set(exportId, { rows, keys: sorted, idle: this.idleTimer(exportId) });
    return {
      export_id: exportId,
      header: csvHeader(sorted),
      next_subject: RPC.projectorExportChunks(this.replicaId),
    };
  }

  async next(exportId: string): Promise<ExportChunkReply> {
    const open = this.exports.get(exportId);
    if (!open) throw new ExportException(ExportErrorCode.ExportNotFound, 'export is closed or unknown');
    clearTimeout(open.idle);
    let csv = '';
    let timer: NodeJS.Timeout | undefined;
    const patience = new Promise<typeof STILL_READING>((resolve) => {
      timer = setTimeout(() => resolve(STILL_READING), CHUNK_PATIENCE_MS);
    });
    try {
      for (let n = 0; n < ROWS_PER_CHUNK && csv.length < CHUNK_CHARACTERS;) {
        if (!open.pending) {
          open.pending = open.rows.next();
          open.pending.catch(() => undefined); // a read abandoned by close() must not crash the process
        }
        const read = await Promise.race([open.pending, patience]);
        if (read === STILL_READING) break;
        open.pending = undefined;
        if (read.done) {
          await this.close(exportId);
          return { csv, done: true };
        }
        csv += csvRow(read.value, open.keys);
        n++;
      }
    } finally {
      clearTimeout(timer);
    }
    open.idle = this.idleTimer(exportId);
    return { csv, done: false };
  }

  async close(exportId: string): Promise<void> {
    const open = this.exports.get(exportId);
    if (!open) return;
    this.exports.delete(exportId);
    clearTimeout(open.idle);
    await open.rows.return?.();
  }

  private idleTimer(exportId: string): NodeJS.Timeout {
    return setTimeout(() => void this.close(exportId), IDLE_CLOSE_MS).unref();
  }

  private async answer(msg: Msg): Promise<void> {
    try {
      const request = JSON.parse(msg.string()) as ExportChunkRequest;
      if (request.op === 'close') {
        await this.close(request.export_id);
        msg.respond(JSON.stringify({ csv: '', done: true }));
      } else {
        msg.respond(JSON.stringify(await this.next(request.export_id)));
      }
    } catch (e) {
      this.logger.warn({ msg: 'export chunk failed', error: (e as Error).message });
      msg.respond(JSON.stringify({ error: toErrorBody(e) }));
    }
  }
}

import type { Response } from 'express';

/**
 * Server-sent events on one response. `send` waits for the socket to drain, so a slow client
 * slows its own feed instead of filling the gateway's memory.
 */
export class SseSink {
  private closed = false;

  constructor(private readonly response: Response) {
    response.on('close', () => (this.closed = true));
  }

  open(): void {
    this.response.status(200);
    this.response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    this.response.setHeader('Cache-Control', 'no-cache, no-transform');
    this.response.setHeader('Connection', 'keep-alive');
    this.response.setHeader('X-Accel-Buffering', 'no');
    this.response.flushHeaders();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** True while the socket has room: snapshots are skipped rather than queued when it does not. */
  get hasRoom(): boolean {
    return !this.closed && !this.response.writableNeedDrain;
  }

  send(event: string, data: string, id?: number): Promise<void> {
    const lines = [`event: ${event}`];
    if (id !== undefined) lines.push(`id: ${id}`);
    // JSON never holds a raw newline, but a data line must not carry one either way.
    for (const line of data.split('\n')) lines.push(`data: ${line}`);
    return this.write(`${lines.join('\n')}\n\n`);
  }

  comment(text: string): Promise<void> {
    return this.write(`: ${text}\n\n`);
  }

  retry(ms: number): Promise<void> {
    return this.write(`retry: ${ms}\n\n`);
  }

  private write(text: string): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.response.write(text)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.response.off('drain', done);
        this.response.off('close', done);
        resolve();
      };
      this.response.on('drain', done);
      this.response.on('close', done);
    });
  }
}

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The parsed body. */
  json: { type: string; timestamp: string; data: Record<string, unknown> & { position?: number } };
  /** What this receiver answered. */
  status: number;
}

/** How a path answers a delivery: a status (and headers), or `hang` to never answer. */
export type Answer = number | { status: number; headers?: Record<string, string> } | 'hang';

/**
 * An HTTP server on loopback that receives webhooks as a customer's endpoint would, records
 * every request, and answers each path as told (200 unless told otherwise).
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private readonly answers = new Map<string, (hook: Omit<ReceivedWebhook, 'status'>) => Answer>();
  private server?: Server;

  static async start(): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver();
    receiver.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let json: ReceivedWebhook['json'];
        try {
          json = JSON.parse(body) as ReceivedWebhook['json'];
        } catch {
          json = { type: '', timestamp: '', data: {} };
        }
        const hook = { path: req.url ?? '/', headers: req.headers, body, json };
        const answer = receiver.answers.get(hook.path)?.(hook) ?? 200;
        if (answer === 'hang') return;
        const { status, headers } = typeof answer === 'number' ? { status: answer, headers: {} } : answer;
        receiver.received.push({ ...hook, status });
        res.writeHead(status, headers).end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.server!.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}${path}`;
  }

  answer(path: string, how: (hook: Omit<ReceivedWebhook, 'status'>) => Answer): void {
    this.answers.set(path, how);
  }

  /** What reached `path`, in arrival order; `ok` only: answered 2xx. */
  at(path: string, { ok = false } = {}): ReceivedWebhook[] {
    return this.received.filter((r) => r.path === path && (!ok || (r.status >= 200 && r.status < 300)));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

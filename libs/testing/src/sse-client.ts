import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { eventually } from './eventually';

export interface SseMessage {
  event: string;
  id?: string;
  data: string;
}

/**
 * A server-sent events client as a browser's EventSource would read the wire: messages by
 * blank lines, `event`/`id`/`data` fields, comment lines kept apart (keep-alives).
 */
export class SseClient {
  readonly messages: SseMessage[] = [];
  readonly comments: string[] = [];
  status = 0;
  private buffer = '';
  private req?: ClientRequest;
  private res?: IncomingMessage;

  private constructor() {}

  /** Connects and resolves once the response headers and the first comment have arrived. */
  static async open(url: string, headers: Record<string, string>): Promise<SseClient> {
    const client = new SseClient();
    await new Promise<void>((resolve, reject) => {
      client.req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
        client.res = res;
        client.status = res.statusCode ?? 0;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => client.feed(chunk));
        res.on('error', () => undefined);
        if (client.status !== 200) res.on('end', resolve);
        else
          eventually(async () => {
            if (!client.comments.length) throw new Error('the stream has not started');
          }).then(resolve, reject);
      });
      client.req.on('error', reject);
      client.req.end();
    });
    return client;
  }

  /** The body of a non-200 answer (an error JSON). */
  get errorBody(): any {
    return JSON.parse(this.buffer || '{}');
  }

  /** Drops the connection the way a client that goes away does. */
  close(): void {
    this.req?.destroy();
    this.res?.destroy();
  }

  events(name?: string): SseMessage[] {
    return name ? this.messages.filter((m) => m.event === name) : this.messages;
  }

  private feed(chunk: string): void {
    if (this.status !== 200) {
      this.buffer += chunk;
      return;
    }
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const message: SseMessage = { event: 'message', data: '' };
      const data: string[] = [];
      let hasEvent = false;
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
        else if (line.startsWith('event: ')) {
          message.event = line.slice(7);
          hasEvent = true;
        } else if (line.startsWith('id: ')) message.id = line.slice(4);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      if (hasEvent || data.length) this.messages.push({ ...message, data: data.join('\n') });
    }
  }
}

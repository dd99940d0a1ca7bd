import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { checkedLookup, isRefusedAddress } from '@cobrowse/platform';

/** At most this much of an answer is read and kept (SPEC section 11: an excerpt of up to 1 KB). */
export const RESPONSE_EXCERPT_BYTES = 1024;
export const USER_AGENT = 'cobrowse-session-service-webhooks/1';

/**
 * Connections are kept open between deliveries to the same host (a TLS handshake per event
 * would cost more than the event), a bounded number per host and in all.
 */
const AGENT_OPTIONS = { keepAlive: true, maxSockets: 16, maxTotalSockets: 512, timeout: 30_000 };
const agents = { http: new HttpAgent(AGENT_OPTIONS), https: new HttpsAgent(AGENT_OPTIONS) };

export interface SendResult {
  /** The HTTP status; null when no answer came (`error` says why). */
  status: number | null;
  error: string | null;
  durationMs: number;
  response: string;
  /** Seconds a 429 or 503 asked to wait (`Retry-After`), when it did. */
  retryAfterSeconds: number | null;
}

export interface SendOptions {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  allowPrivate: boolean;
}

/**
 * One POST. The address is checked when the connection is made, so a name that resolves to a
 * refused address (or changed to one since the endpoint was saved) is never reached; redirects
 * are answers like any other (not followed); at most RESPONSE_EXCERPT_BYTES of the body are read.
 */
export function sendWebhook(options: SendOptions): Promise<SendResult> {
  const started = performance.now();
  const url = new URL(options.url);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const literal = url.hostname.replace(/^\[|\]$/g, '');
  if (!options.allowPrivate && (url.protocol !== 'https:' || (isIP(literal) && isRefusedAddress(literal))))
    return Promise.resolve({
      status: null,
      error: 'the url is not allowed (plain http, or a refused address)',
      durationMs: 0,
      response: '',
      retryAfterSeconds: null,
    });
  return new Promise<SendResult>((resolve) => {
    let settled = false;
    const finish = (r: Omit<SendResult, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...r, durationMs: Math.round(performance.now() - started) });
      req.destroy();
    };
    const failed = (error: string) => finish({ status: null, error, response: '', retryAfterSeconds: null });
    const req = request(
      url,
      {
        method: 'POST',
        headers: {
          ...options.headers,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(options.body)),
          'user-agent': USER_AGENT,
        },
        lookup: options.allowPrivate ? undefined : checkedLookup,
        agent: url.protocol === 'https:' ? agents.https : agents.http,
      },
      (res) => readExcerpt(res).then((response) => finish(answered(res, response))),
    );
    const timer = setTimeout(() => failed(`no answer within ${options.timeoutMs} ms`), options.timeoutMs);
    req.on('error', (e: Error) => failed(e.message.slice(0, 200)));
    req.end(options.body);
  });
}

function answered(res: IncomingMessage, response: string): Omit<SendResult, 'durationMs'> {
  const status = res.statusCode ?? 0;
  const retryAfter = status === 429 || status === 503 ? retryAfterSeconds(res.headers['retry-after']) : null;
  return { status, error: null, response, retryAfterSeconds: retryAfter };
}

/** `Retry-After` as seconds from now: a number of seconds, or an HTTP date. */
export function retryAfterSeconds(value: string | undefined, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

async function readExcerpt(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= RESPONSE_EXCERPT_BYTES) break;
    }
  } catch {
    // The answer's status is what counts; a body cut short is kept as far as it came.
  }
  return Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_BYTES).toString('utf8');
}

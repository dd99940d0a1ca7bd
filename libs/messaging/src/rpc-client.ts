import {
  ErrorReply,
  isErrorBody,
  RequestErrorCode,
  RequestException,
  rpcServiceOf,
} from '@cobrowse/contracts';
import type { Provider } from '@nestjs/common';
import { ClientProxyFactory, Transport, type ClientProxy } from '@nestjs/microservices';
import type { AppConfig } from '@cobrowse/config';
import { natsRequestDuration, secondsSince } from '@cobrowse/observability';
import { firstValueFrom, timeout, toArray } from 'rxjs';
import { natsConnectOptions } from './nats-connection.service';
import { fromReplyChunks } from './reply-chunks';

export const SERVICES_CLIENT = Symbol('SERVICES_CLIENT');
export const DEFAULT_RPC_TIMEOUT_MS = 10_000;

/** The name of the service a request subject belongs to, for messages. */

function unavailable(pattern: string): RequestException {
  return new RequestException(
    RequestErrorCode.ServiceUnavailable,
    `${rpcServiceOf(pattern)} is not answering; try again`,
  );
}

/** Request-reply to another service over a NATS queue group, with a deadline; large replies come in chunks. */
export class RpcClient {
  constructor(private readonly proxy: ClientProxy) {}

  async send<TResult, TPayload = unknown>(
    pattern: string,
    payload: TPayload,
    timeoutMs = DEFAULT_RPC_TIMEOUT_MS,
  ): Promise<TResult> {
    let messages: unknown[];
    const start = process.hrtime.bigint();
    const target = rpcServiceOf(pattern);
    try {
      messages = await firstValueFrom(
        this.proxy.send<unknown, TPayload>(pattern, payload).pipe(timeout(timeoutMs), toArray()),
      );
      natsRequestDuration.observe({ target, outcome: 'ok' }, secondsSince(start));
    } catch (e) {
      // An error answer is a completed round trip; only no answer is an error of the transport.
      natsRequestDuration.observe({ target, outcome: isErrorBody(e) ? 'ok' : 'error' }, secondsSince(start));
      if (isErrorBody(e)) throw new ErrorReply(e);
      throw unavailable(pattern);
    }
    // A "no responders" status reaches the proxy as an empty reply.
    if (!messages.length || messages[0] === undefined || messages[0] === null) throw unavailable(pattern);
    try {
      return fromReplyChunks(messages) as TResult;
    } catch {
      throw unavailable(pattern);
    }
  }
}

/** The RpcClient provider of a service that asks others (its own NATS connection, named for the server's view). */
export function rpcClientProvider(config: AppConfig, connectionName: string): Provider {
  return {
    provide: RpcClient,
    useFactory: () =>
      new RpcClient(
        ClientProxyFactory.create({
          transport: Transport.NATS,
          options: natsConnectOptions(config, connectionName),
        }),
      ),
  };
}

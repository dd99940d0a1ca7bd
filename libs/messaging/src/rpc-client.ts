import { ErrorCode, isErrorBody, type ErrorBody } from '@cobrowse/contracts';
import type { ClientProxy } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';

export const SERVICES_CLIENT = Symbol('SERVICES_CLIENT');
export const DEFAULT_RPC_TIMEOUT_MS = 10_000;

/** Thrown by RpcClient when the other service answered with an error or did not answer. */
export class RpcError extends Error {
  constructor(readonly body: ErrorBody) {
    super(body.message);
    this.name = 'RpcError';
  }
}

function unavailable(pattern: string): RpcError {
  return new RpcError({
    statusCode: 503,
    code: ErrorCode.ServiceUnavailable,
    message: `${pattern.split('.')[1]} is not answering; try again`,
  });
}

/** Request-reply to another service over a NATS queue group, with a deadline. */
export class RpcClient {
  constructor(private readonly proxy: ClientProxy) {}

  async send<TResult, TPayload = unknown>(
    pattern: string,
    payload: TPayload,
    timeoutMs = DEFAULT_RPC_TIMEOUT_MS,
  ): Promise<TResult> {
    let reply: TResult;
    try {
      reply = await firstValueFrom(
        this.proxy.send<TResult, TPayload>(pattern, payload).pipe(timeout(timeoutMs)),
      );
    } catch (e) {
      if (isErrorBody(e)) throw new RpcError(e);
      throw unavailable(pattern);
    }
    // A "no responders" status reaches the proxy as an empty reply.
    if (reply === undefined || reply === null) throw unavailable(pattern);
    return reply;
  }
}

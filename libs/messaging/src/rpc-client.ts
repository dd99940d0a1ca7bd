import { ErrorCode, isErrorBody, type ErrorBody } from '@cobrowse/contracts';
import type { ClientProxy } from '@nestjs/microservices';
import { firstValueFrom, timeout, TimeoutError } from 'rxjs';

export const SERVICES_CLIENT = Symbol('SERVICES_CLIENT');
export const DEFAULT_RPC_TIMEOUT_MS = 10_000;

/** Thrown by RpcClient when the other service answered with an error or did not answer. */
export class RpcError extends Error {
  constructor(readonly body: ErrorBody) {
    super(body.message);
    this.name = 'RpcError';
  }
}

/** Request-reply to another service over a NATS queue group, with a deadline. */
export class RpcClient {
  constructor(private readonly proxy: ClientProxy) {}

  async send<TResult, TPayload = unknown>(
    pattern: string,
    payload: TPayload,
    timeoutMs = DEFAULT_RPC_TIMEOUT_MS,
  ): Promise<TResult> {
    try {
      return await firstValueFrom(
        this.proxy.send<TResult, TPayload>(pattern, payload).pipe(timeout(timeoutMs)),
      );
    } catch (e) {
      if (isErrorBody(e)) throw new RpcError(e);
      const unavailable =
        e instanceof TimeoutError || /no responders|503|timeout/i.test(String((e as Error)?.message));
      throw new RpcError({
        statusCode: 503,
        code: ErrorCode.ServiceUnavailable,
        message: unavailable ? `${pattern.split('.')[1]} is not answering; try again` : 'internal error',
      });
    }
  }
}

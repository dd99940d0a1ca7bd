import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { ErrorCode, type ErrorBody } from '@cobrowse/contracts';
import { RpcError } from '@cobrowse/messaging';
import { ApiException } from './api.exception';

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: ErrorCode.ValidationFailed,
  401: ErrorCode.Unauthorized,
  403: ErrorCode.Forbidden,
  404: ErrorCode.NotFound,
  409: ErrorCode.Conflict,
  413: ErrorCode.PayloadTooLarge,
  503: ErrorCode.ServiceUnavailable,
};

/** Maps every error to `{statusCode, code, message, details?}`; anything unexpected is a logged 500. */
export function toHttpErrorBody(exception: unknown, logger?: Logger): ErrorBody {
  if (exception instanceof ApiException) return exception.toBody();
  if (exception instanceof RpcError) return exception.body;
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    const message =
      typeof response === 'object' && response !== null && 'message' in response
        ? String((response as { message: unknown }).message)
        : exception.message;
    return { statusCode: status, code: CODE_BY_STATUS[status] ?? `HTTP_${status}`, message };
  }
  const status = (exception as { status?: number })?.status;
  if (status === 413)
    return { statusCode: 413, code: ErrorCode.PayloadTooLarge, message: 'request body is over 1 MB' };
  if (status === 400 && (exception as { type?: string }).type === 'entity.parse.failed') {
    return { statusCode: 400, code: ErrorCode.ValidationFailed, message: 'request body is not valid JSON' };
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { statusCode: status, code: CODE_BY_STATUS[status] ?? `HTTP_${status}`, message: 'bad request' };
  }
  logger?.error({ msg: 'unhandled error', error: (exception as Error)?.message });
  return { statusCode: 500, code: ErrorCode.InternalError, message: 'internal error' };
}

@Catch()
export class HttpErrorsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrorsFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const body = toHttpErrorBody(exception, this.logger);
    host.switchToHttp().getResponse<Response>().status(body.statusCode).json(body);
  }
}

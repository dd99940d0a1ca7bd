import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import {
  CodedException,
  ErrorReply,
  RequestErrorCode,
  RequestException,
  toErrorBody,
  type ErrorBody,
} from '@cobrowse/contracts';

/** What the body parser's errors mean to a client (by their `type`). */
const BODY_PARSER_ERRORS: Record<string, [RequestErrorCode, string]> = {
  'entity.too.large': [RequestErrorCode.PayloadTooLarge, 'request body is over 1 MB'],
  'entity.parse.failed': [RequestErrorCode.InvalidJson, 'request body is not valid JSON'],
  'entity.verify.failed': [RequestErrorCode.InvalidJson, 'request body is not valid JSON'],
  'encoding.unsupported': [RequestErrorCode.UnsupportedMediaType, 'this content encoding is not supported'],
  'charset.unsupported': [RequestErrorCode.UnsupportedMediaType, 'this charset is not supported'],
  'request.aborted': [RequestErrorCode.MalformedRequest, 'the request body was cut off'],
  'request.size.invalid': [RequestErrorCode.MalformedRequest, 'the body does not match Content-Length'],
  'parameters.too.many': [RequestErrorCode.MalformedRequest, 'too many parameters'],
};

/** The framework's own HTTP errors (an unknown route, say), by status. */
const FRAMEWORK_ERRORS: Record<number, RequestErrorCode> = {
  400: RequestErrorCode.MalformedRequest,
  404: RequestErrorCode.NotFound,
  405: RequestErrorCode.MethodNotAllowed,
  413: RequestErrorCode.PayloadTooLarge,
  415: RequestErrorCode.UnsupportedMediaType,
};

/** Maps anything thrown while answering a request to the error body; the unexpected is a logged 500. */
export function toHttpErrorBody(exception: unknown, logger: Pick<Logger, 'error'>): ErrorBody {
  if (exception instanceof CodedException || exception instanceof ErrorReply) return toErrorBody(exception);
  const parserError = BODY_PARSER_ERRORS[(exception as { type?: string })?.type ?? ''];
  if (parserError) return new RequestException(...parserError).toBody();
  if (exception instanceof HttpException) {
    const code = FRAMEWORK_ERRORS[exception.getStatus()];
    if (code) return new RequestException(code, exception.message.slice(0, 200)).toBody();
  }
  // Express's own refusals (a path that does not decode, say) carry a 4xx status.
  const status = (exception as { status?: unknown })?.status;
  if (typeof status === 'number' && status >= 400 && status < 500)
    return new RequestException(
      FRAMEWORK_ERRORS[status] ?? RequestErrorCode.MalformedRequest,
      'the request could not be read',
    ).toBody();
  logger.error({ msg: 'unexpected error', error: (exception as Error)?.message?.slice(0, 500) });
  return toErrorBody(exception);
}

@Catch()
export class HttpErrorsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrorsFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const body = toHttpErrorBody(exception, this.logger);
    if (response.headersSent) {
      // A streamed answer already began: cutting it off is the only honest signal left.
      response.destroy();
      return;
    }
    response.status(body.statusCode).json(body);
  }
}

import { ArgumentsHost, Catch, Logger, RpcExceptionFilter } from '@nestjs/common';
import { Observable, throwError } from 'rxjs';
import { toErrorBody } from './service-error';

/** Maps domain exceptions of request handlers to `{statusCode, code, message}` replies. */
@Catch()
export class RpcErrorFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger('RpcErrorFilter');

  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    const body = toErrorBody(exception);
    if (body.statusCode >= 500)
      this.logger.error({ msg: 'request handler failed', error: String(exception) });
    return throwError(() => body);
  }
}

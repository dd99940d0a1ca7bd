import { ArgumentsHost, Catch, Logger, RpcExceptionFilter } from '@nestjs/common';
import { Observable, throwError } from 'rxjs';
import { toErrorBody } from '@cobrowse/contracts';

/** Maps whatever a request handler threw to the error body its caller receives. */
@Catch()
export class RpcErrorFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger('RpcErrorFilter');

  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    const body = toErrorBody(exception);
    if (body.statusCode >= 500 && body.statusCode !== 503)
      this.logger.error({ msg: 'request handler failed', error: (exception as Error)?.message });
    return throwError(() => body);
  }
}

import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { from, mergeMap, type Observable } from 'rxjs';
import { toReplyChunks } from './reply-chunks';

/** Sends every request handler's reply as one message, or as chunks when it is large. */
@Injectable()
export class ReplyChunksInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(mergeMap((value) => from(toReplyChunks(value))));
  }
}

import type { NextFunction, Request, Response } from 'express';
import type { Socket } from 'node:net';
import {
  jsonDepth,
  MAX_BODY_DEPTH,
  RequestErrorCode,
  RequestException,
  type ErrorBody,
} from '@cobrowse/contracts';
import { assertNoControlCharacters } from '../query/query-params';

/** A parsed JSON body nesting deeper than SPEC section 9 allows, refused before anything walks it. */
export function assertBodyDepth(body: unknown): void {
  if (jsonDepth(body, MAX_BODY_DEPTH) > MAX_BODY_DEPTH)
    throw new RequestException(
      RequestErrorCode.BodyTooDeep,
      `the body nests deeper than ${MAX_BODY_DEPTH} levels`,
    );
}

/** Express middleware for every request, after the body parser: body depth and query characters. */
export function requestBounds(request: Request, _response: Response, next: NextFunction): void {
  try {
    assertBodyDepth(request.body);
    assertNoControlCharacters(request.query as Record<string, unknown>);
    next();
  } catch (e) {
    next(e);
  }
}

/**
 * Node's HTTP parser refuses some requests before any handler runs (headers over 16 KB, a
 * URL too long, bytes that are not HTTP). Answer those in the error shape too.
 */
export function answerClientError(error: NodeJS.ErrnoException & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const body: ErrorBody =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? new RequestException(
          RequestErrorCode.HeadersTooLarge,
          'request headers (with the URL) are over 16 KB',
        ).toBody()
      : error.code === 'HPE_URI_TOO_LONG'
        ? new RequestException(RequestErrorCode.UriTooLong, 'the URL is too long').toBody()
        : new RequestException(RequestErrorCode.MalformedRequest, 'the request is not valid HTTP').toBody();
  const json = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${body.statusCode} ${body.code}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`,
  );
}

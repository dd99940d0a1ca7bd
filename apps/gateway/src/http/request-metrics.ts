import type { NextFunction, Request, Response } from 'express';
import { httpRequestDuration, httpRequests, secondsSince } from '@cobrowse/observability';

/**
 * Counts and times every request by its route pattern (`/v1/sessions/:id`), never by its URL:
 * ids in paths would make a time series per session. Requests no route matched share one label.
 */
export function requestMetrics(req: Request, res: Response, next: NextFunction): void {
  const start = process.hrtime.bigint();
  res.once('close', () => {
    const route = req.route ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
    const labels = { method: req.method, route, status: String(res.statusCode) };
    httpRequests.inc(labels);
    httpRequestDuration.observe(labels, secondsSince(start));
  });
  next();
}

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Logger } from '@nestjs/common';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { RequestErrorCode, RequestException } from '@cobrowse/contracts';
import { toHttpErrorBody } from '../errors/http-errors.filter';

export const DASHBOARD_PATH = '/dashboard';

/** Where the build puts the dashboard (apps/dashboard/build.mjs): dist/dashboard, beside dist/apps. */
const BUILT_DASHBOARD = resolve(__dirname, '../../../../dashboard');

/**
 * Only the gateway's own files, and requests to the gateway only: no inline script or style,
 * no other origin, no framing, no forms posted anywhere.
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function securityHeaders(res: Response): void {
  res.setHeader('Content-Security-Policy', DASHBOARD_CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
}

/**
 * The agent dashboard at /dashboard: static files, no API key (the page asks for one and calls
 * the public API with it). 404 with a clear code when the build has not produced it.
 */
export function serveDashboard(directory = BUILT_DASHBOARD): Router {
  const router = express.Router();
  const logger = new Logger('Dashboard');
  const files = express.static(directory, {
    index: 'index.html',
    redirect: false,
    fallthrough: true,
    setHeaders: (res, path) => {
      securityHeaders(res);
      res.setHeader('Cache-Control', path.endsWith('.html') ? 'no-cache' : 'public, max-age=300');
    },
  });
  router.use(DASHBOARD_PATH, (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const notFound = (message: string) => {
      const body = toHttpErrorBody(new RequestException(RequestErrorCode.NotFound, message), logger);
      res.status(body.statusCode).json(body);
    };
    if (!existsSync(join(directory, 'index.html')))
      return notFound('the dashboard is not built: run npm run build');
    // "/dashboard" and "/dashboard/" are the page; views live in the URL's hash.
    if (req.path === '/' || req.path === '') req.url = '/index.html';
    files(req, res, () => notFound(`no such file: ${req.originalUrl}`));
  });
  return router;
}

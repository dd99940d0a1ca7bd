import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from '@nestjs/common';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Server } from 'node:http';
import { MAX_BODY_BYTES } from '@cobrowse/contracts';
import {
  checkDependenciesOrExit,
  createJsonLogger,
  exitWithinDeadlineOnSignal,
  loadConfigOrExit,
  observeProcess,
} from '@cobrowse/platform';
import { answerProbe } from '@cobrowse/observability';
import { setupOpenApi } from './docs/openapi';
import { BodyValidationPipe } from './errors/body-validation.pipe';
import { HttpErrorsFilter, toHttpErrorBody } from './errors/http-errors.filter';
import { answerClientError, requestBounds } from './errors/request-bounds';
import { GatewayModule } from './gateway.module';
import { requestMetrics } from './http/request-metrics';
import { parseApiKeys } from './auth/api-keys';
import { serveDashboard } from './dashboard/serve-dashboard';

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit('gateway', ['NATS_URL', 'COBROWSE_API_KEYS']);
  try {
    parseApiKeys(config.COBROWSE_API_KEYS);
  } catch (e) {
    process.stderr.write(
      JSON.stringify({ level: 'fatal', context: 'gateway', message: (e as Error).message }) + '\n',
    );
    process.exit(2);
  }
  const observed = observeProcess('gateway');
  await checkDependenciesOrExit('gateway', config);
  const logger = createJsonLogger('gateway', config.LOG_LEVEL);
  const app = await NestFactory.create<NestExpressApplication>(GatewayModule.forRoot(config), {
    logger,
    bodyParser: false,
    // Live streams never end on their own: closing the server ends them rather than waiting.
    forceCloseConnections: true,
  });
  app.set('trust proxy', false);
  app.disable('x-powered-by');
  // Probes and metrics first: no body parsing, no API key (docs/deploy.md).
  app.use((req: Request, res: Response, next: NextFunction) => (answerProbe(req, res) ? undefined : next()));
  app.use(requestMetrics);
  // The dashboard's files need no key: the page asks for one and sends it to the API.
  app.use(serveDashboard());
  app.use(express.json({ limit: MAX_BODY_BYTES, type: ['application/json', 'application/*+json'] }));
  app.use(requestBounds);
  const edgeLogger = new Logger('RequestBounds');
  app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (!error) return next();
    const body = toHttpErrorBody(error, edgeLogger);
    res.status(body.statusCode).json(body);
  });
  (app.getHttpServer() as Server).on('clientError', answerClientError);
  app.useGlobalFilters(new HttpErrorsFilter());
  app.useGlobalPipes(new BodyValidationPipe());
  app.enableShutdownHooks();
  exitWithinDeadlineOnSignal(logger);
  setupOpenApi(app);
  await app.listen(config.GATEWAY_PORT, config.GATEWAY_HOST);
  observed.started();
  logger.log({ msg: 'gateway listening', url: await app.getUrl() });
}

void bootstrap();

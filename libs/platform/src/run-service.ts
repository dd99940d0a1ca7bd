import type { DynamicModule, INestMicroservice, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { AppConfig, loadConfig } from '@cobrowse/config';
import type { ServiceName } from '@cobrowse/contracts';
import {
  BoundedReplySerializer,
  natsConnectOptions,
  ReplyChunksInterceptor,
  RpcErrorFilter,
  SafeRequestDeserializer,
} from '@cobrowse/messaging';
import { createJsonLogger } from './json-logger';
import { listenForProbesOrExit, observeProcess } from './probe-listener';
import { exitWithinDeadlineOnSignal } from './shutdown-deadline';
import { checkDependenciesOrExit } from './startup-checks';

export interface ServiceDefinition {
  name: ServiceName;
  rootModule: (config: AppConfig) => Type<unknown> | DynamicModule;
  requiredEnv: Array<keyof AppConfig>;
}

/** Loads configuration or exits with a clear message naming every bad variable. */
export function loadConfigOrExit(name: string, required: Array<keyof AppConfig>): AppConfig {
  try {
    return loadConfig(process.env, required);
  } catch (e) {
    process.stderr.write(
      JSON.stringify({
        level: 'fatal',
        context: name,
        message: (e as Error).message,
        timestamp: Date.now(),
      }) + '\n',
    );
    process.exit(2);
  }
}

/**
 * Starts a back-end service: request handlers join a NATS queue group named after the
 * service, so any number of replicas share the requests.
 */
export async function runService(definition: ServiceDefinition): Promise<INestMicroservice> {
  const config = loadConfigOrExit(definition.name, definition.requiredEnv);
  const logger = createJsonLogger(definition.name, config.LOG_LEVEL);
  const observed = observeProcess(definition.name);
  const probesUrl = await listenForProbesOrExit(definition.name, config);
  await checkDependenciesOrExit(definition.name, config);
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(definition.rootModule(config), {
    transport: Transport.NATS,
    options: {
      ...natsConnectOptions(config, `${definition.name}-rpc`),
      queue: definition.name,
      serializer: new BoundedReplySerializer(),
      deserializer: new SafeRequestDeserializer(),
    },
    logger,
  });
  app.useGlobalFilters(new RpcErrorFilter());
  app.useGlobalInterceptors(new ReplyChunksInterceptor());
  app.enableShutdownHooks();
  exitWithinDeadlineOnSignal(logger);
  await app.listen();
  observed.started();
  logger.log({ msg: 'service started', pid: process.pid, probes: probesUrl });
  return app;
}

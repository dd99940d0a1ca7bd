export * from './nats-connection.service';
export * from './event-log';
export * from './service-error';
export * from './rpc-exception.filter';
export * from './rpc-client';
export * from './messaging.module';
export * from './keyed-mutex';
export * from './read-subject';

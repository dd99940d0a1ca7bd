export * from './paths';
export * from './ports';
export * from './managed-process';
export * from './nats-server';
export * from './ferretdb';
export * from './services';
export * from './nats-identities';
export * from './supervisor';

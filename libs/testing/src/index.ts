export * from './test-keys';
export * from './test-system';
export * from './api-client';
export * from './eventually';
export * from './event-log-reader';
export * from './sse-client';
export * from './tcp-proxy';
export * from './metrics-text';

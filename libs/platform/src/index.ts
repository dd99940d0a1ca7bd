export * from './json-logger';
export * from './health.controller';
export * from './run-service';
export * from './sweep-stats';
export * from './expiry-watch';
export * from './retention-sweep';
export * from './leadership.module';
export * from './shutdown-deadline';

export * from './json-logger';
export * from './health.controller';
export * from './run-service';

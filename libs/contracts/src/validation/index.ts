export * from './rules';
export * from './event-data.dto';
export * from './validate';
export * from './event-data.validation';
export * from './connection-data.dto';
export * from './retention-policy';
export * from './json-shape';

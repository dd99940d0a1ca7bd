export * from './events';
export * from './subjects';
export * from './errors';
export * from './session-resource';
export * from './session-snapshot';
export * from './rpc';
export * from './tenancy';
export * from './validation';

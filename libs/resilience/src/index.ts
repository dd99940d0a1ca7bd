export * from './retry';
export * from './failure';

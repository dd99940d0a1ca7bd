export * from './decide';
export * from './evolve';
export * from './merge';
export * from './durations';
export * from './views';
export * from './token';
export * from './tag-expression';

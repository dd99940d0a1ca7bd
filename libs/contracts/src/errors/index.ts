export * from './error-codes';
export * from './error-body';
export * from './coded.exception';

export * from './metrics';
export * from './probes';
export * from './probe-endpoints';

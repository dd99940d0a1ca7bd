export * from './mongo.service';
export * from './persistence.module';
export * from './delete-by-ids';
export * from './insert-batcher';
export * from './database-unreachable';
export * from './bulk-write';
export * from './index-pages';
export * from './map-limited';

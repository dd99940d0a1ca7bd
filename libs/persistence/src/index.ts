export * from './mongo.service';
export * from './persistence.module';
export * from './delete-in-batches';
export * from './insert-batcher';

export * from './mongo.service';
export * from './persistence.module';

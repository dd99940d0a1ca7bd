import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig, databaseName } from '@cobrowse/config';
import { MongoService } from './mongo.service';

@Global()
@Module({})
export class PersistenceModule {
  static forRoot(): DynamicModule {
    return {
      module: PersistenceModule,
      providers: [
        {
          provide: MongoService,
          inject: [AppConfig],
          useFactory: async (config: AppConfig) => {
            const url = config.MONGODB_URL!;
            const mongo = new MongoService();
            await mongo.connect(url, databaseName(url));
            return mongo;
          },
        },
      ],
      exports: [MongoService],
    };
  }
}

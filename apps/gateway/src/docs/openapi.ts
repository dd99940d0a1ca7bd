import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { EXTRA_SCHEMAS } from './schemas';

/** OpenAPI at /docs-json, browsable at /docs. */
export function setupOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Co-browse session service')
    .setDescription('Event-sourced co-browse session history: ingest, queries, Genesys-compatible history.')
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'API key from COBROWSE_API_KEYS' })
    .build();
  const document = SwaggerModule.createDocument(app, config, { extraModels: EXTRA_SCHEMAS });
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}

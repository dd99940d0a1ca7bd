import { Injectable, Logger } from '@nestjs/common';
import type { Collection } from 'mongodb';
import { MongoService } from '@cobrowse/persistence';
import { endpointDocumentId, type EndpointDocument } from './endpoint-document';

export const WEBHOOK_ENDPOINTS_COLLECTION = 'webhook_endpoints';

/**
 * The tenants' webhook endpoints, one document each, read and written by `_id`. Listing a
 * tenant's endpoints and loading every endpoint (the dispatcher's leader, when its term
 * begins) read by `tenant` or everything: on MongoDB the `tenant` index serves the first; on
 * FerretDB both read the collection, whose size is the number of endpoints (at most
 * WEBHOOK_LIMITS.endpointsPerTenant per tenant), never on a delivery's path.
 */
@Injectable()
export class WebhookEndpointsRepository {
  private readonly logger = new Logger(WebhookEndpointsRepository.name);

  constructor(private readonly mongo: MongoService) {}

  private get collection(): Collection<EndpointDocument> {
    return this.mongo.db.collection<EndpointDocument>(WEBHOOK_ENDPOINTS_COLLECTION);
  }

  async ensureIndexes(): Promise<void> {
    if (await this.mongo.isFerretDb())
      this.logger.log({ msg: 'FerretDB: the tenant index of webhook endpoints is skipped' });
    else await this.collection.createIndex({ tenant: 1 }, { name: 'tenant' });
  }

  find(tenant: string, id: string): Promise<EndpointDocument | null> {
    return this.collection.findOne({ _id: endpointDocumentId(tenant, id) });
  }

  async ofTenant(tenant: string): Promise<EndpointDocument[]> {
    const found = await this.collection.find({ tenant }).toArray();
    return found.sort((a, b) => a.created_at - b.created_at || a.id.localeCompare(b.id));
  }

  all(): Promise<EndpointDocument[]> {
    return this.collection.find({}).toArray();
  }

  async insert(endpoint: EndpointDocument): Promise<void> {
    await this.collection.insertOne(endpoint);
  }

  /**
   * Sets some fields of an endpoint. The API sets the tenant's settings and the dispatcher's
   * leader the delivery state (`failing_since`, a disable), each only its own fields.
   */
  async set(
    endpoint: Pick<EndpointDocument, '_id'>,
    fields: Partial<Omit<EndpointDocument, '_id'>>,
  ): Promise<void> {
    await this.collection.updateOne({ _id: endpoint._id }, { $set: fields });
  }

  /** Whether it was there. */
  async delete(tenant: string, id: string): Promise<boolean> {
    const { deletedCount } = await this.collection.deleteOne({ _id: endpointDocumentId(tenant, id) });
    return deletedCount > 0;
  }
}

import type { HttpTransport } from '../transport/http.js';
import type { RetentionPolicy } from '../types.js';

/** The tenant's retention policy (scope `admin`). */
export class RetentionApi {
  constructor(private readonly http: HttpTransport) {}

  async get(): Promise<RetentionPolicy> {
    return (await this.http.json<RetentionPolicy>('GET', '/v1/retention', { idempotent: true })).body;
  }

  async put(policy: RetentionPolicy): Promise<RetentionPolicy> {
    return (await this.http.json<RetentionPolicy>('PUT', '/v1/retention', { body: policy, idempotent: true }))
      .body;
  }
}

import type { ApiScope } from '../../sdk/src/index.js';
import { sdkClient } from './sdk.js';
import type { Client, TestServer } from './server.js';

let slugs = 0;

/** A new organisation owned by the client's user, with a unique slug. */
export async function organizationOf(c: Client, name = 'Acme') {
  const slug = `brand_${process.pid}_${++slugs}`;
  return (await c.CreateOrganization({ input: { name, slug } })).createOrganization;
}

/** A key of the organisation: its secret, and an SDK client that sends it. */
export async function keyOf(
  t: TestServer,
  owner: Client,
  organizationId: string,
  scopes: ApiScope[],
  extra: { rateLimitPerMinute?: number; expiresAt?: string } = {},
) {
  const { createApiKey } = await owner.CreateApiKey({
    organizationId,
    input: { name: 'Integration', scopes, ...extra },
  });
  const keyed = sdkClient({ url: t.server.url, apiKey: createApiKey.secret });
  return { ...createApiKey, keyed };
}

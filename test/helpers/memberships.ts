import type { CreateTierInput } from '../../sdk/src/index.js';
import type { Client } from './server.js';
import type { MarqueeError } from '../../sdk/src/index.js';

/** A new tier of the signed-in client: free (0 USD) unless a price is given. */
export async function tierOf(c: Client, input: Partial<CreateTierInput> = {}) {
  const { createTier } = await c.CreateTier({
    input: { name: 'Supporters', price: { amountMinor: 0, currency: 'USD' }, ...input },
  });
  return createTier;
}

/** Joins a tier; a free one is ACTIVE at once. */
export async function join(c: Client, tierId: string) {
  return (await c.JoinTier({ tierId })).joinTier;
}

/** `extensions.reason` of the first error. */
export const reasonOf = (e: MarqueeError) => e.errors[0]?.extensions?.reason as string | undefined;

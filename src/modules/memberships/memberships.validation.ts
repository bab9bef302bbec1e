import { badInput } from '../../errors.js';
import { isId } from '../accounts/index.js';
import { MembershipsReason } from './memberships.errors.js';
import type { MoneyInput } from './memberships.inputs.js';

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));
/** The largest price: a GraphQL Int holds more, but no tier costs a million dollars a month. */
export const MAX_PRICE_MINOR = 100_000_000;
export const MAX_TIERS_PER_CREATOR = 20;
const MAX_PERKS = 10;
const MAX_PERK = 120;
const MAX_NAME = 80;
const MAX_DESCRIPTION = 2000;

const chars = (s: string) => Array.from(s).length;

export function validateTierName(raw: string): string {
  const name = raw.trim();
  if (!name || chars(name) > MAX_NAME)
    throw badInput('name', `must be 1 to ${MAX_NAME} characters`);
  return name;
}

export function validateDescription(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  const d = raw.trim();
  if (chars(d) > MAX_DESCRIPTION)
    throw badInput('description', `must be at most ${MAX_DESCRIPTION} characters`);
  return d || null;
}

export function validatePerks(raw: readonly string[]): string[] {
  if (raw.length > MAX_PERKS) throw badInput('perks', `must be at most ${MAX_PERKS}`);
  const perks = raw.map((p) => p.trim());
  if (perks.some((p) => !p || chars(p) > MAX_PERK))
    throw badInput('perks', `each must be 1 to ${MAX_PERK} characters`);
  return perks;
}

/** Integer minor units in [0, MAX_PRICE_MINOR], an ISO 4217 code in upper case. */
export function validateMoney(
  field: string,
  money: MoneyInput,
): { amountMinor: number; currency: string } {
  if (
    !Number.isSafeInteger(money.amountMinor) ||
    money.amountMinor < 0 ||
    money.amountMinor > MAX_PRICE_MINOR
  )
    throw badInput(
      `${field}.amountMinor`,
      `must be a whole number of minor units from 0 to ${MAX_PRICE_MINOR}`,
      MembershipsReason.INVALID_PRICE,
    );
  if (!/^[A-Z]{3}$/.test(money.currency) || !CURRENCIES.has(money.currency))
    throw badInput(
      `${field}.currency`,
      'must be an ISO 4217 currency code in upper case, e.g. USD',
      MembershipsReason.INVALID_CURRENCY,
    );
  return { amountMinor: money.amountMinor, currency: money.currency };
}

/** Ids as stored (lower case); ids that are not UUIDs can name nothing. */
export function normalizeIds(field: string, ids: readonly string[]): string[] {
  for (const id of ids)
    if (!isId(id)) throw badInput(field, `${JSON.stringify(id.slice(0, 40))} is not an id`);
  return [...new Set(ids.map((id) => id.toLowerCase()))];
}

import { badInput } from '../../errors.js';
import type { ContentKind } from '../content/index.js';
import type { MoneyInput } from '../memberships/index.js';
import { AdsReason } from './ads.errors.js';
import type { CreativeInput, FrequencyCapInput, TargetingInput } from './ads.inputs.js';

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));
/** The largest budget: its micro-units stay well inside a double's exact integers (2^53). */
export const MAX_BUDGET_MINOR = 1_000_000_000;
export const MAX_TAGS = 20;
const MAX_TAG_LENGTH = 40;
export const MAX_CAP_IMPRESSIONS = 1000;
/** A frequency window of at most 30 days. */
export const MAX_CAP_HOURS = 720;
export const MAX_CREATIVES = 20;
/** A flight of at most two years. */
const MAX_FLIGHT_MS = 2 * 366 * 86_400_000;

const chars = (s: string) => Array.from(s).length;

export function validateName(raw: string): string {
  const name = raw.trim();
  if (!name || chars(name) > 100) throw badInput('name', 'must be 1 to 100 characters');
  return name;
}

/** A positive amount in a known currency, in minor units. */
export function validateAmount(field: string, money: MoneyInput): MoneyInput {
  if (!Number.isSafeInteger(money.amountMinor) || money.amountMinor <= 0)
    throw badInput(`${field}.amountMinor`, 'must be a whole number of minor units above 0');
  if (money.amountMinor > MAX_BUDGET_MINOR)
    throw badInput(`${field}.amountMinor`, `must be at most ${MAX_BUDGET_MINOR}`);
  if (!/^[A-Z]{3}$/.test(money.currency) || !CURRENCIES.has(money.currency))
    throw badInput(
      `${field}.currency`,
      'must be an ISO 4217 currency code in upper case, e.g. USD',
    );
  return money;
}

export function validatePricing(budget: MoneyInput, cpm: MoneyInput, prefix = 'input'): void {
  validateAmount(`${prefix}.budget`, budget);
  validateAmount(`${prefix}.cpm`, cpm);
  if (budget.currency !== cpm.currency)
    throw badInput(
      `${prefix}.cpm.currency`,
      'must be the currency of the budget',
      AdsReason.CURRENCY_MISMATCH,
    );
}

export function validateFlight(startsAt: Date, endsAt: Date): void {
  if (Number.isNaN(startsAt.getTime()))
    throw badInput('input.startsAt', 'is not a valid date-time');
  if (Number.isNaN(endsAt.getTime())) throw badInput('input.endsAt', 'is not a valid date-time');
  if (endsAt.getTime() <= startsAt.getTime())
    throw badInput('input.endsAt', 'must be later than startsAt');
  if (endsAt.getTime() - startsAt.getTime() > MAX_FLIGHT_MS)
    throw badInput('input.endsAt', 'a flight lasts at most two years');
}

export function validateTargeting(t: TargetingInput | null | undefined): {
  tags: string[];
  kinds: ContentKind[];
} {
  const raw = t?.tags ?? [];
  if (raw.length > MAX_TAGS) throw badInput('input.targeting.tags', `at most ${MAX_TAGS} tags`);
  const tags: string[] = [];
  for (const r of raw) {
    const tag = r.trim().toLowerCase();
    if (!tag || chars(tag) > MAX_TAG_LENGTH)
      throw badInput('input.targeting.tags', `each tag must be 1 to ${MAX_TAG_LENGTH} characters`);
    if (!tags.includes(tag)) tags.push(tag);
  }
  return { tags, kinds: [...new Set(t?.kinds ?? [])] };
}

export function validateCap(cap: FrequencyCapInput | null | undefined) {
  if (!cap) return { capImpressions: null, capHours: null };
  if (
    !Number.isInteger(cap.impressions) ||
    cap.impressions < 1 ||
    cap.impressions > MAX_CAP_IMPRESSIONS
  )
    throw badInput('input.frequencyCap.impressions', `must be from 1 to ${MAX_CAP_IMPRESSIONS}`);
  if (!Number.isInteger(cap.perHours) || cap.perHours < 1 || cap.perHours > MAX_CAP_HOURS)
    throw badInput('input.frequencyCap.perHours', `must be from 1 to ${MAX_CAP_HOURS}`);
  return { capImpressions: cap.impressions, capHours: cap.perHours };
}

function httpUrl(field: string, raw: string): string {
  const value = raw.trim();
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badInput(field, 'must be an http or https URL');
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || value.length > 2000)
    throw badInput(field, 'must be an http or https URL (at most 2 000 characters)');
  return value;
}

export function validateCreative(input: CreativeInput) {
  const headline = input.headline.trim();
  if (!headline || chars(headline) > 120)
    throw badInput('input.headline', 'must be 1 to 120 characters');
  const body = input.body?.trim() || null;
  if (body && chars(body) > 500) throw badInput('input.body', 'must be at most 500 characters');
  return {
    headline,
    body,
    imageUrl: input.imageUrl ? httpUrl('input.imageUrl', input.imageUrl) : null,
    clickUrl: httpUrl('input.clickUrl', input.clickUrl),
  };
}

const PLACEMENT = /^[a-z0-9][a-z0-9_-]{0,39}$/;
export const MAX_ADS = 10;

export function validatePlacement(placement: string, first: number): void {
  if (!PLACEMENT.test(placement))
    throw badInput('placement', 'must be 1 to 40 lower-case letters, digits, _ or -');
  if (!Number.isInteger(first) || first < 1 || first > MAX_ADS)
    throw badInput('first', `must be from 1 to ${MAX_ADS}`);
}

const ANONYMOUS_ID = /^[A-Za-z0-9._:-]{8,100}$/;

/** `u:<user id>`, `anon:<x-anonymous-id>`, or `anon` (an anonymous client without an id). */
export function adViewerKey(userId: string | undefined, anonymousId: string | null): string {
  if (userId) return `u:${userId}`;
  if (anonymousId === null || anonymousId === '') return 'anon';
  if (!ANONYMOUS_ID.test(anonymousId))
    throw badInput('x-anonymous-id', 'must be 8 to 100 letters, digits or . _ : -');
  return `anon:${anonymousId}`;
}

/** Frequency caps and reach count a viewer with a key; `anon` is nobody in particular. */
export const isIdentified = (viewerKey: string) => viewerKey !== 'anon';

import { Pacing } from './ads.enums.js';

/** Micro-units per minor unit: spend is counted in millionths of a cent (of a yen, ...). */
export const MICROS = 1_000_000;
/** EVEN pacing may run this share of the budget ahead of the elapsed share of the flight. */
export const PACING_SLACK = 0.05;

/** One impression at `cpmMinor` per thousand: cpm / 1000 minor units = cpm * 1000 micro-units. */
export const impressionCostMicros = (cpmMinor: number) => cpmMinor * 1000;

/** Whole minor units of a spend: floor(spent / 1e6). */
export const spentMinor = (spentMicros: number) => Math.floor(spentMicros / MICROS);

export interface PacedFacts {
  pacing: Pacing;
  budgetMinor: number;
  startsAt: number;
  endsAt: number;
}

/**
 * What the campaign may have spent by `now`, in micro-units: the budget for ASAP; for EVEN,
 * budget × elapsed share of the flight + 5% of the budget, never above the budget. Integer
 * (floored), so that the charging statement compares integers on both databases.
 */
export function spendCapMicros(c: PacedFacts, now: number): number {
  const budget = c.budgetMinor * MICROS;
  if (c.pacing === Pacing.ASAP) return budget;
  const flight = c.endsAt - c.startsAt;
  const share = flight > 0 ? Math.min(1, Math.max(0, (now - c.startsAt) / flight)) : 1;
  return Math.min(budget, Math.floor(budget * share + budget * PACING_SLACK));
}

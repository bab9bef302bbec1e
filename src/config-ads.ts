import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * The ads feature's variables, kept apart from `config.ts` for size; `config.ts` still does
 * the only reading of `process.env`.
 */
export const adsEnv = {
  /** Signs impression tokens (HMAC-SHA-256); 32+ characters. Required in production. */
  ADS_TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** How often each process re-reads the spend and status of the campaigns it serves. */
  ADS_REFRESH_MS: z.coerce.number().int().positive().default(1000),
  /** How often live campaign stats are recomputed (each sends at most one update per tick). */
  ADS_TICK_MS: z.coerce.number().int().positive().default(1000),
  /** How often a campaignStats subscriber's membership is checked again. */
  ADS_RECHECK_MS: z.coerce.number().int().positive().default(10_000),
  /** `trackAdEvents` events per viewer per minute. */
  ADS_TRACK_RATE_PER_VIEWER: z.coerce.number().int().positive().default(600),
};

type AdsEnv = z.infer<z.ZodObject<typeof adsEnv>>;

export interface AdsConfig {
  /** Secret. Never logged. */
  tokenSecret: Buffer;
  tokenSecretIsDevelopmentDefault: boolean;
  refreshMs: number;
  tickMs: number;
  recheckMs: number;
  trackRatePerViewer: number;
}

/** Cross-checks of the ads variables, for `config.ts`'s superRefine. */
export function adsIssues(e: AdsEnv & { NODE_ENV: string }): [string, string][] {
  return e.NODE_ENV === 'production' && !e.ADS_TOKEN_SECRET
    ? [['ADS_TOKEN_SECRET', 'is required when NODE_ENV=production']]
    : [];
}

/**
 * Outside production, without ADS_TOKEN_SECRET, the key is derived from the JWT secret (the
 * development one, when that is unset too), so that every process of a development cluster
 * agrees; its own derivation keeps the two uses apart.
 */
export function adsConfig(e: AdsEnv, jwtSecret: string): AdsConfig {
  const secret = e.ADS_TOKEN_SECRET ?? `marquee ads tokens\0${jwtSecret}`;
  return Object.freeze({
    tokenSecret: createHash('sha256').update(secret).digest(),
    tokenSecretIsDevelopmentDefault: !e.ADS_TOKEN_SECRET,
    refreshMs: e.ADS_REFRESH_MS,
    tickMs: e.ADS_TICK_MS,
    recheckMs: e.ADS_RECHECK_MS,
    trackRatePerViewer: e.ADS_TRACK_RATE_PER_VIEWER,
  });
}

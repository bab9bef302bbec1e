import { z } from 'zod';

/**
 * The memberships feature's variables (billing and access), kept apart from `config.ts`
 * for size; `config.ts` still does the only reading of `process.env`.
 */
export const billingEnv = {
  /** `stripe` needs STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET; `test` completes checkout on this server. */
  BILLING_PROVIDER: z.enum(['stripe', 'test']).optional(),
  STRIPE_SECRET_KEY: z.string().min(1).optional(),
  STRIPE_WEBHOOK_SECRET: z.string().min(1).optional(),
  /** Where the Stripe client sends API calls (tests: a local endpoint that answers like Stripe). */
  STRIPE_API_HOST: z.string().min(1).optional(),
  STRIPE_API_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  STRIPE_API_PROTOCOL: z.enum(['http', 'https']).optional(),
  STRIPE_WEBHOOK_TOLERANCE_SECONDS: z.coerce.number().int().positive().default(300),
  /** The server's public base URL: checkout return pages and the test provider's checkout URL. */
  PUBLIC_URL: z
    .string()
    .regex(/^https?:\/\/[^/\s]+(\/\S*)?$/, 'must be an http(s) URL')
    .optional(),
  MEMBERSHIP_GRACE_SECONDS: z.coerce.number().int().min(0).default(0),
  MEMBERSHIP_EXPIRY_INTERVAL_MS: z.coerce.number().int().positive().default(60_000),
};

/** Public, so development and tests only (never used when NODE_ENV=production). */
export const DEV_WEBHOOK_SECRET = 'whsec_marquee_development_do_not_use_in_production';

type BillingEnv = z.infer<z.ZodObject<typeof billingEnv>>;

export interface BillingConfig {
  /**
   * Who confirms payments: Stripe, or this server (development and tests). `none`: in
   * production without Stripe keys nor BILLING_PROVIDER=test, paid tiers take no new members.
   */
  provider: 'stripe' | 'test' | 'none';
  /** Secret. Never logged. */
  stripeSecretKey?: string;
  /**
   * Secret. Never logged. Verifies `POST /webhooks/billing`: STRIPE_WEBHOOK_SECRET, or
   * outside production a fixed development secret, so that the test provider's events and
   * tests go through the same verified path. Unset: the webhook answers 404.
   */
  stripeWebhookSecret?: string;
  stripeApi: { host?: string; port?: number; protocol?: 'http' | 'https' };
  webhookToleranceSeconds: number;
  /** Without a trailing slash; null: the server's own address (`Infra.baseUrl`). */
  publicUrl: string | null;
  /** How long after `currentPeriodEnd` access lasts. */
  graceSeconds: number;
  expiryIntervalMs: number;
}

/** BILLING_PROVIDER, or Stripe when its key is set, else `test` (production: `none`). */
function providerOf(e: BillingEnv & { NODE_ENV: string }): BillingConfig['provider'] {
  if (e.BILLING_PROVIDER) return e.BILLING_PROVIDER;
  if (e.STRIPE_SECRET_KEY) return 'stripe';
  return e.NODE_ENV === 'production' ? 'none' : 'test';
}

/** Cross-checks of the billing variables, for `config.ts`'s superRefine. */
export function billingIssues(e: BillingEnv & { NODE_ENV: string }): [string, string][] {
  const issues: [string, string][] = [];
  if (providerOf(e) === 'stripe') {
    if (!e.STRIPE_SECRET_KEY)
      issues.push(['STRIPE_SECRET_KEY', 'is required with BILLING_PROVIDER=stripe']);
    if (!e.STRIPE_WEBHOOK_SECRET)
      issues.push(['STRIPE_WEBHOOK_SECRET', 'is required with BILLING_PROVIDER=stripe']);
  }
  return issues;
}

export function billingConfig(e: BillingEnv & { NODE_ENV: string }): BillingConfig {
  return Object.freeze({
    provider: providerOf(e),
    stripeSecretKey: e.STRIPE_SECRET_KEY,
    stripeWebhookSecret:
      e.STRIPE_WEBHOOK_SECRET ?? (e.NODE_ENV === 'production' ? undefined : DEV_WEBHOOK_SECRET),
    stripeApi: Object.freeze({
      host: e.STRIPE_API_HOST,
      port: e.STRIPE_API_PORT,
      protocol: e.STRIPE_API_PROTOCOL,
    }),
    webhookToleranceSeconds: e.STRIPE_WEBHOOK_TOLERANCE_SECONDS,
    publicUrl: e.PUBLIC_URL ? e.PUBLIC_URL.replace(/\/+$/, '') : null,
    graceSeconds: e.MEMBERSHIP_GRACE_SECONDS,
    expiryIntervalMs: e.MEMBERSHIP_EXPIRY_INTERVAL_MS,
  });
}

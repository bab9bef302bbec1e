import { defineFeature } from '../../feature.js';
import { scheduledTask } from '../../infra/scheduler.js';
import { content } from '../content/index.js';
import { BillingEvent } from './billing-event.entity.js';
import { ExpirySweep } from './billing/billing.expiry.js';
import { mountBillingPages } from './billing/billing.pages.js';
import { BillingProcessor } from './billing/billing.processor.js';
import { BillingWebhook } from './billing/billing.webhook.js';
import { MembershipsJob } from './billing/memberships-job.entity.js';
import { billingProvider } from './billing/providers.js';
import { Membership } from './membership.entity.js';
import { MembershipLiveResolver } from './membership-live.resolver.js';
import { MembershipResolver } from './membership.resolver.js';
import { MembershipEvents } from './memberships.events.js';
import { createMembershipsLoaders, type MembershipsLoaders } from './memberships.loaders.js';
import { MembershipAccess } from './memberships.access.js';
import { membershipsRules } from './memberships.rules.js';
import { MemberPerks } from './memberships.perks.js';
import { MembershipsService } from './memberships.service.js';
import { Tier } from './tier.entity.js';
import { ContentTiersResolver, TierResolver, UserTiersResolver } from './tier.resolver.js';

export { Tier, Money, BillingInterval } from './tier.entity.js';
export { Membership, MembershipStatus } from './membership.entity.js';
export { MembershipsJob } from './billing/memberships-job.entity.js';
export { canReadBody, givesAccess } from './memberships.policy.js';
export { MembershipsService } from './memberships.service.js';
export { MoneyInput } from './memberships.inputs.js';
export { MemberPerks } from './memberships.perks.js';

declare module '../../context.js' {
  interface Loaders {
    memberships: MembershipsLoaders;
  }
}

export interface MembershipsPublic {
  memberships: MembershipsService;
  perks: MemberPerks;
}

/**
 * Memberships: creators' tiers (free or paid), members, billing through the provider's
 * webhooks, and the rule of who may read a gated content's body, which it provides to the
 * content feature.
 */
export const memberships = defineFeature<MembershipsPublic>({
  name: 'memberships',
  resolvers: [
    TierResolver,
    UserTiersResolver,
    ContentTiersResolver,
    MembershipResolver,
    MembershipLiveResolver,
  ],
  rules: membershipsRules,
  entities: [Tier, Membership, BillingEvent, MembershipsJob],
  create({ config, pubsub, logger, baseUrl, fork, db }, use) {
    const events = new MembershipEvents(pubsub, logger);
    const webhook = new BillingWebhook({
      secret: config.billing.stripeWebhookSecret,
      toleranceSeconds: config.billing.webhookToleranceSeconds,
      processor: new BillingProcessor({ fork, db, events, logger }),
      logger,
    });
    const expiry = new ExpirySweep({
      fork,
      events,
      logger,
      graceSeconds: config.billing.graceSeconds,
      intervalMs: config.billing.expiryIntervalMs,
    });
    const service = new MembershipsService({
      provider: billingProvider(config.billing),
      events,
      logger,
    });
    use(content).access.provide(new MembershipAccess(config.billing.graceSeconds));
    return {
      services: { memberships: service, perks: new MemberPerks(config.billing.graceSeconds) },
      resolvers: [
        new TierResolver(service),
        new MembershipResolver(service, baseUrl),
        new MembershipLiveResolver(pubsub),
      ],
      loaders: (em) => ({ memberships: createMembershipsLoaders(em) }),
      tasks: [
        scheduledTask(
          'membership expiry',
          () => expiry.sweep(),
          config.billing.expiryIntervalMs,
          logger,
        ),
      ],
      routes(app) {
        webhook.mount(app);
        mountBillingPages(app, { provider: config.billing.provider, webhook, logger });
      },
    };
  },
});

import { badInput, conflict, forbidden, notFound } from '../../errors.js';
import { commit, settle, type Committed, type Em } from '../../infra/db.js';
import type { Logger } from '../../infra/logger.js';
import type { PubSub } from '../../infra/pubsub.js';
import type { Context } from '../../context.js';
import { isId } from '../accounts/index.js';
import type { OrganizationsService } from '../partners/index.js';
import { CampaignStatus, Pacing } from './ads.enums.js';
import { AdsReason } from './ads.errors.js';
import type { CreateCampaignInput, CreativeInput, UpdateCampaignInput } from './ads.inputs.js';
import { MICROS } from './ads.money.js';
import { canManageCampaigns, canMove, canSeeCampaigns, type AdsActor } from './ads.policy.js';
import { ADS_CAMPAIGN_CHANGED } from './ads.topics.js';
import {
  MAX_CREATIVES,
  validateAmount,
  validateCap,
  validateCreative,
  validateFlight,
  validateName,
  validatePricing,
  validateTargeting,
} from './ads.validation.js';
import { Campaign } from './campaign.entity.js';
import { Creative } from './creative.entity.js';

const MAX_CAMPAIGNS_LISTED = 500;

/** A signed-in request (a person, or a key acting as its organisation's profile user). */
type AdsContext = Pick<Context, 'em' | 'viewer' | 'apiKey' | 'invalidate' | 'clientAddress'> & {
  viewer: NonNullable<Context['viewer']>;
};

/** Campaigns and creatives: who may do what (ads.policy.ts), validation, status changes. */
export class CampaignsService {
  constructor(
    private readonly organizations: OrganizationsService,
    private readonly pubsub: PubSub,
    private readonly logger: Logger,
    private readonly now: () => number,
    /** This process's serving cache: reloaded as soon as a change commits, before others hear of it. */
    private readonly served: { reload(campaignId: string): Promise<void> },
  ) {}

  /** The actor's standing in an organisation: one query for a person, none for a key. */
  async actorIn(em: Em, ctx: AdsContext, organizationId: string): Promise<AdsActor> {
    const keyOrganizationId = ctx.apiKey?.organizationId ?? null;
    const role =
      keyOrganizationId === null
        ? await this.organizations.roleOf(em, organizationId, ctx.viewer.id)
        : null;
    return { viewer: ctx.viewer, role, keyOrganizationId };
  }

  create(ctx: AdsContext, organizationId: string, input: CreateCampaignInput): Promise<Campaign> {
    const name = validateName(input.name);
    validatePricing(input.budget, input.cpm);
    validateFlight(input.startsAt, input.endsAt);
    const targeting = validateTargeting(input.targeting);
    const cap = validateCap(input.frequencyCap);
    return commit(ctx, async (tx) => {
      const org = await this.organizations.find(
        { em: tx, viewer: ctx.viewer, clientAddress: ctx.clientAddress },
        organizationId,
      );
      if (!org) throw notFound('Organization');
      await this.mayManage(tx, ctx, org.id);
      return tx.create(Campaign, {
        organization: org,
        name,
        status: CampaignStatus.DRAFT,
        budgetMinor: input.budget.amountMinor,
        cpmMinor: input.cpm.amountMinor,
        currency: input.budget.currency,
        startsAt: input.startsAt,
        endsAt: input.endsAt,
        pacing: input.pacing ?? Pacing.EVEN,
        ...targeting,
        ...cap,
      });
    });
  }

  update(ctx: AdsContext, id: string, input: UpdateCampaignInput): Promise<Campaign> {
    return commit(ctx, async (tx, committed) => {
      const c = await this.managed(tx, ctx, id);
      if (input.name !== undefined && input.name !== null) c.name = validateName(input.name);
      if (input.budget) {
        validateAmount('input.budget', input.budget);
        if (input.budget.currency !== c.currency)
          throw badInput(
            'input.budget.currency',
            'must be the currency of the campaign',
            AdsReason.CURRENCY_MISMATCH,
          );
        if (input.budget.amountMinor * MICROS < c.spentMicros)
          throw badInput(
            'input.budget.amountMinor',
            'must not be below what is already spent',
            AdsReason.BUDGET_BELOW_SPEND,
          );
        if (input.budget.amountMinor < c.cpmMinor / 1000)
          throw badInput('input.budget.amountMinor', 'must pay for at least one impression');
        c.budgetMinor = input.budget.amountMinor;
      }
      if (input.endsAt) {
        validateFlight(c.startsAt, input.endsAt);
        c.endsAt = input.endsAt;
      }
      if (input.pacing) c.pacing = input.pacing;
      if (input.targeting) Object.assign(c, validateTargeting(input.targeting));
      if (input.frequencyCap) Object.assign(c, validateCap(input.frequencyCap));
      this.changed(c, committed);
      return c;
    });
  }

  addCreative(ctx: AdsContext, campaignId: string, input: CreativeInput): Promise<Creative> {
    const fields = validateCreative(input);
    return commit(ctx, async (tx, committed) => {
      const c = await this.managed(tx, ctx, campaignId);
      if (c.status === CampaignStatus.ENDED)
        throw conflict('campaignId', 'This campaign has ended', AdsReason.ILLEGAL_TRANSITION);
      if ((await tx.count(Creative, { campaign: c.id })) >= MAX_CREATIVES)
        throw badInput('campaignId', `a campaign has at most ${MAX_CREATIVES} creatives`);
      this.changed(c, committed);
      return tx.create(Creative, { campaign: c, ...fields });
    });
  }

  setStatus(ctx: AdsContext, id: string, status: CampaignStatus): Promise<Campaign> {
    return commit(ctx, async (tx, committed) => {
      const c = await this.managed(tx, ctx, id);
      if (c.status === status) return c;
      if (!canMove(c.status, status))
        throw conflict(
          'status',
          `A campaign cannot go from ${c.status} to ${status}`,
          AdsReason.ILLEGAL_TRANSITION,
        );
      if (status === CampaignStatus.ACTIVE) {
        if (!(await tx.count(Creative, { campaign: c.id })))
          throw conflict('status', 'Add a creative before activating', AdsReason.NO_CREATIVE);
        if (c.endsAt.getTime() <= this.now())
          throw conflict('status', 'The flight has ended', AdsReason.ILLEGAL_TRANSITION);
        if (c.spentMicros + c.cpmMinor * 1000 > c.budgetMinor * MICROS)
          throw conflict('status', 'The budget is spent', AdsReason.ILLEGAL_TRANSITION);
      }
      // Conditional on the status read: a charge on any process may end the campaign
      // meanwhile (its own conditional UPDATE), and that must not be written over.
      const values = { status, version: c.version + 1, updatedAt: new Date() };
      const moved = await tx.nativeUpdate(Campaign, { id: c.id, status: c.status }, values);
      if (!moved)
        throw conflict('status', 'The campaign changed meanwhile', AdsReason.ILLEGAL_TRANSITION);
      settle(tx, c, values);
      this.announce(c.id, committed);
      return c;
    });
  }

  /** The organisation's campaigns, newest first, for its members and its keys. */
  async list(ctx: AdsContext, organizationId: string, status: CampaignStatus | null) {
    if (!isId(organizationId)) throw notFound('Organization');
    const orgId = organizationId.toLowerCase();
    const actor = await this.actorIn(ctx.em, ctx, orgId);
    if (!canSeeCampaigns(actor, orgId))
      throw forbidden(
        "Only the organisation's members see its campaigns",
        AdsReason.NOT_ORGANIZATION_MEMBER,
      );
    return ctx.em.find(
      Campaign,
      { organization: orgId, ...(status ? { status } : {}) },
      { orderBy: { createdAt: 'desc', id: 'desc' }, limit: MAX_CAMPAIGNS_LISTED },
    );
  }

  /** The campaign, for its organisation's members and keys; null for everyone else. */
  async find(ctx: AdsContext, id: string): Promise<Campaign | null> {
    const c = isId(id) ? await ctx.em.findOne(Campaign, { id: id.toLowerCase() }) : null;
    if (!c) return null;
    const actor = await this.actorIn(ctx.em, ctx, c.organization.id);
    return canSeeCampaigns(actor, c.organization.id) ? c : null;
  }

  /** The campaign if the actor may see it: NOT_FOUND otherwise (no existence leak). */
  async visible(ctx: AdsContext, id: string): Promise<Campaign> {
    const c = await this.find(ctx, id);
    if (!c) throw notFound('Campaign');
    return c;
  }

  private async managed(tx: Em, ctx: AdsContext, id: string): Promise<Campaign> {
    const c = isId(id) ? await tx.findOne(Campaign, { id: id.toLowerCase() }) : null;
    if (!c) throw notFound('Campaign');
    const actor = await this.actorIn(tx, ctx, c.organization.id);
    if (!canSeeCampaigns(actor, c.organization.id)) throw notFound('Campaign');
    if (!canManageCampaigns(actor, c.organization.id))
      throw forbidden('Only owners and admins manage campaigns', AdsReason.NOT_ORGANIZATION_ADMIN);
    return c;
  }

  private async mayManage(tx: Em, ctx: AdsContext, orgId: string): Promise<void> {
    const actor = await this.actorIn(tx, ctx, orgId);
    if (canManageCampaigns(actor, orgId)) return;
    if (actor.keyOrganizationId !== null)
      throw forbidden(
        "A key manages its own organisation's campaigns only",
        AdsReason.OTHER_ORGANIZATION_KEY,
      );
    throw forbidden('Only owners and admins manage campaigns', AdsReason.NOT_ORGANIZATION_ADMIN);
  }

  /** A new version; every process reloads the campaign once this commits. */
  private changed(c: Campaign, committed: Committed): void {
    c.version += 1;
    c.updatedAt = new Date();
    this.announce(c.id, committed);
  }

  private announce(campaignId: string, committed: Committed): void {
    committed.afterCommit(async () => {
      await this.served
        .reload(campaignId)
        .catch((err: unknown) =>
          this.logger.warn({ err, campaignId }, 'reloading a changed campaign failed'),
        );
      await this.pubsub
        .publish(ADS_CAMPAIGN_CHANGED, { campaignId })
        .catch((err: unknown) =>
          this.logger.warn({ err, campaignId }, 'announcing a campaign change failed'),
        );
    });
  }
}

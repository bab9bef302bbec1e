import { badInput, conflict, forbidden, notFound } from '../../errors.js';
import { commit, type Em } from '../../infra/db.js';
import {
  findUser,
  HANDLE,
  isId,
  type AccountsService,
  type Actor,
  type SignedInActor,
} from '../accounts/index.js';
import { Organization, OrganizationMember, OrganizationRole } from './organization.entity.js';
import { PartnersReason } from './partners.errors.js';
import { canGrantOwner, canManage } from './partners.policy.js';

/** A slug is its profile user's handle, so accounts' rule for handles. */
const SLUG = HANDLE;
const MAX_ORGANIZATIONS_PER_USER = 20;
const MAX_MEMBERS = 200;

/** Organisations and their members; an organisation always keeps an owner. */
export class OrganizationsService {
  constructor(private readonly accounts: AccountsService) {}

  create(actor: SignedInActor, input: { name: string; slug: string }): Promise<Organization> {
    const name = input.name.trim();
    if (!name || Array.from(name).length > 100)
      throw badInput('name', 'must be 1 to 100 characters');
    if (!SLUG.test(input.slug))
      throw badInput('slug', 'must be 3 to 30 lower-case letters, digits or underscores');
    return commit(actor, async (tx) => {
      if (
        (await tx.count(OrganizationMember, { user: actor.viewer.id })) >=
        MAX_ORGANIZATIONS_PER_USER
      )
        throw badInput(
          'slug',
          `one person belongs to at most ${MAX_ORGANIZATIONS_PER_USER} organisations`,
        );
      if (await tx.count(Organization, { slug: input.slug }))
        throw conflict('slug', 'This slug is taken', PartnersReason.SLUG_TAKEN);
      const profile = await this.accounts.createProfileUser(tx, input.slug, name);
      const org = tx.create(Organization, { name, slug: input.slug, profile });
      tx.create(OrganizationMember, {
        organization: org,
        user: actor.viewer.id,
        role: OrganizationRole.OWNER,
      });
      return org;
    });
  }

  /** Adds a member, or changes a member's role; only an owner makes or unmakes an owner. */
  addMember(actor: SignedInActor, orgId: string, userId: string, role: OrganizationRole) {
    return commit(actor, async (tx) => {
      const org = await this.managed(tx, actor, orgId);
      const mine = await this.roleOf(tx, org.id, actor.viewer.id);
      const user = await findUser(tx, userId);
      if (!user || user.id === org.profile.id) throw notFound('User');
      const existing = await tx.findOne(OrganizationMember, {
        organization: org.id,
        user: user.id,
      });
      const touchesOwner =
        role === OrganizationRole.OWNER || existing?.role === OrganizationRole.OWNER;
      if (touchesOwner && !canGrantOwner(actor.viewer, mine))
        throw forbidden('Only an owner may make or unmake an owner', PartnersReason.OWNER_REQUIRED);
      if (existing) {
        if (existing.role === OrganizationRole.OWNER && role !== OrganizationRole.OWNER)
          await this.keepAnOwner(tx, org.id);
        existing.role = role;
      } else {
        if ((await tx.count(OrganizationMember, { organization: org.id })) >= MAX_MEMBERS)
          throw badInput('userId', `an organisation has at most ${MAX_MEMBERS} members`);
        tx.create(OrganizationMember, { organization: org.id, user: user.id, role });
      }
      return org;
    });
  }

  /** Removes a member (or oneself); never the last owner. */
  removeMember(actor: SignedInActor, orgId: string, userId: string) {
    return commit(actor, async (tx) => {
      const org = await this.found(tx, orgId);
      const mine = await this.roleOf(tx, org.id, actor.viewer.id);
      const member = isId(userId)
        ? await tx.findOne(OrganizationMember, { organization: org.id, user: userId.toLowerCase() })
        : null;
      const self = member?.user.id === actor.viewer.id;
      if (!self && !canManage(actor.viewer, mine))
        throw forbidden(
          'Only owners and admins manage members',
          PartnersReason.NOT_ORGANIZATION_ADMIN,
        );
      if (!member) throw notFound('OrganizationMember', PartnersReason.NOT_MEMBER);
      if (member.role === OrganizationRole.OWNER) {
        if (!self && !canGrantOwner(actor.viewer, mine))
          throw forbidden('Only an owner may remove an owner', PartnersReason.OWNER_REQUIRED);
        await this.keepAnOwner(tx, org.id);
      }
      tx.remove(member);
      return org;
    });
  }

  find(actor: Actor, id: string): Promise<Organization | null> {
    return isId(id)
      ? actor.em.findOne(Organization, { id: id.toLowerCase() })
      : Promise.resolve(null);
  }

  bySlug(actor: Actor, slug: string): Promise<Organization | null> {
    return SLUG.test(slug) ? actor.em.findOne(Organization, { slug }) : Promise.resolve(null);
  }

  async mine(actor: SignedInActor): Promise<Organization[]> {
    const rows = await actor.em.find(
      OrganizationMember,
      { user: actor.viewer.id },
      { populate: ['organization'], orderBy: { addedAt: 'asc', id: 'asc' } },
    );
    return rows.map((m) => m.organization.getEntity());
  }

  async roleOf(em: Em, orgId: string, userId: string): Promise<OrganizationRole | null> {
    const m = await em.findOne(OrganizationMember, { organization: orgId, user: userId });
    return m?.role ?? null;
  }

  /** Every membership of `userIds`, keyed `organizationId|userId`: one query per 500 users. */
  async rolesOf(em: Em, userIds: readonly string[]): Promise<Map<string, OrganizationRole>> {
    const roles = new Map<string, OrganizationRole>();
    const ids = [...new Set(userIds)];
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await em.find(OrganizationMember, { user: { $in: ids.slice(i, i + 500) } });
      for (const m of rows) roles.set(`${m.organization.id}|${m.user.id}`, m.role);
    }
    return roles;
  }

  /** The organisation, if the viewer may manage it: NOT_FOUND, else FORBIDDEN. */
  async managed(tx: Em, actor: SignedInActor, orgId: string): Promise<Organization> {
    const org = await this.found(tx, orgId);
    if (!canManage(actor.viewer, await this.roleOf(tx, org.id, actor.viewer.id)))
      throw forbidden(
        'Only owners and admins manage this organisation',
        PartnersReason.NOT_ORGANIZATION_ADMIN,
      );
    return org;
  }

  private async found(tx: Em, orgId: string): Promise<Organization> {
    const org = isId(orgId) ? await tx.findOne(Organization, { id: orgId.toLowerCase() }) : null;
    if (!org) throw notFound('Organization');
    return org;
  }

  /** CONFLICT LAST_OWNER unless another owner stays. */
  private async keepAnOwner(tx: Em, orgId: string): Promise<void> {
    const owners = await tx.count(OrganizationMember, {
      organization: orgId,
      role: OrganizationRole.OWNER,
    });
    if (owners <= 1)
      throw conflict(
        'userId',
        'An organisation always keeps at least one owner',
        PartnersReason.LAST_OWNER,
      );
  }
}

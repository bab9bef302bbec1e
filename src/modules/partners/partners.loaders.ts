import DataLoader from 'dataloader';
import type { Em } from '../../infra/db.js';
import type { User } from '../accounts/index.js';
import { ApiKey } from './api-key.entity.js';
import { OrganizationMember, type OrganizationRole } from './organization.entity.js';

/** Per-request loaders of the partners feature: one query per list, whatever its length. */
export function createPartnersLoaders(em: Em, viewer: User | null) {
  return {
    /** The viewer's role in each organisation, null when not a member. */
    viewerRole: new DataLoader<string, OrganizationRole | null>(async (orgIds) => {
      if (!viewer) return orgIds.map(() => null);
      const rows = await em.find(OrganizationMember, {
        user: viewer.id,
        organization: { $in: [...orgIds] },
      });
      const roles = new Map(rows.map((m) => [m.organization.id, m.role]));
      return orgIds.map((id) => roles.get(id) ?? null);
    }),
    members: new DataLoader<string, OrganizationMember[]>(async (orgIds) => {
      const rows = await em.find(
        OrganizationMember,
        { organization: { $in: [...orgIds] } },
        { orderBy: { addedAt: 'asc', id: 'asc' } },
      );
      return orgIds.map((id) => rows.filter((m) => m.organization.id === id));
    }),
    apiKeys: new DataLoader<string, ApiKey[]>(async (orgIds) => {
      const rows = await em.find(
        ApiKey,
        { organization: { $in: [...orgIds] } },
        { orderBy: { createdAt: 'desc', id: 'desc' } },
      );
      return orgIds.map((id) => rows.filter((k) => k.organization.id === id));
    }),
  };
}

export type PartnersLoaders = ReturnType<typeof createPartnersLoaders>;

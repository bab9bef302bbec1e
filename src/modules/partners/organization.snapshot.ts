import type { Em } from '../../infra/db.js';
import { Organization } from './organization.entity.js';

/** What other features keep of an organisation to resolve it without a query (ads' sponsors). */
export interface OrganizationSnapshot {
  id: string;
  name: string;
  slug: string;
  createdAt: Date;
  profileId: string;
}

export const organizationSnapshot = (o: Organization): OrganizationSnapshot => ({
  id: o.id,
  name: o.name,
  slug: o.slug,
  createdAt: o.createdAt,
  profileId: o.profile.id,
});

/** The organisation as an entity of `em`, from a snapshot: no query unless a field needs one. */
export function organizationFromSnapshot(em: Em, s: OrganizationSnapshot): Organization {
  return em.merge(
    Organization,
    { id: s.id, name: s.name, slug: s.slug, createdAt: s.createdAt, profile: s.profileId },
    { refresh: false },
  );
}

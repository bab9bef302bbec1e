import { defineFeature } from '../../feature.js';
import { accounts } from '../accounts/index.js';
import { ApiKey } from './api-key.entity.js';
import { ApiKeysService } from './api-keys.service.js';
import { Organization, OrganizationMember } from './organization.entity.js';
import { OrganizationsService } from './organizations.service.js';
import { createPartnersLoaders, type PartnersLoaders } from './partners.loaders.js';
import {
  ApiKeyResolver,
  OrganizationMemberResolver,
  OrganizationResolver,
} from './partners.resolver.js';
import { partnersRules } from './partners.rules.js';

export { Organization, OrganizationMember, OrganizationRole } from './organization.entity.js';
export { ApiKey } from './api-key.entity.js';
export { OrganizationsService } from './organizations.service.js';
export {
  organizationFromSnapshot,
  organizationSnapshot,
  type OrganizationSnapshot,
} from './organization.snapshot.js';

declare module '../../context.js' {
  interface Loaders {
    partners: PartnersLoaders;
  }
}

export interface PartnersPublic {
  organizations: OrganizationsService;
  keys: ApiKeysService;
}

/**
 * Partners: brand organisations (members with roles, a profile user that authors their
 * content) and their scoped API keys, which authenticate requests (`x-api-key`).
 */
export const partners = defineFeature<PartnersPublic>({
  name: 'partners',
  resolvers: [OrganizationResolver, OrganizationMemberResolver, ApiKeyResolver],
  rules: partnersRules,
  entities: [Organization, OrganizationMember, ApiKey],
  create({ config, fork }, use) {
    const organizations = new OrganizationsService(use(accounts).accounts);
    const keys = new ApiKeysService(config.apiKeySecret, organizations, fork);
    return {
      services: { organizations, keys },
      resolvers: [new OrganizationResolver(organizations, keys)],
      loaders: (em, viewer) => ({ partners: createPartnersLoaders(em, viewer) }),
      keys,
    };
  },
});

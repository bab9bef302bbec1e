import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { signedIn, type Context } from '../../context.js';
import { PerViewer } from '../../infra/shared-execution.js';
import { User } from '../accounts/index.js';
import { ApiKey } from './api-key.entity.js';
import type { ApiKeysService } from './api-keys.service.js';
import { Organization, OrganizationMember, OrganizationRole } from './organization.entity.js';
import type { OrganizationsService } from './organizations.service.js';
import { CreateApiKeyInput, CreateOrganizationInput } from './partners.inputs.js';
import { canManage, canSeeMembers } from './partners.policy.js';
import { CreatedApiKey } from './partners.types.js';

@Resolver(() => Organization)
export class OrganizationResolver {
  constructor(
    private readonly organizations: OrganizationsService,
    private readonly keys: ApiKeysService,
  ) {}

  @Query(() => Organization, { nullable: true })
  organization(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return this.organizations.find(ctx, id);
  }

  @Query(() => Organization, { nullable: true })
  organizationBySlug(@Arg('slug', () => String) slug: string, @Ctx() ctx: Context) {
    return this.organizations.bySlug(ctx, slug);
  }

  @Query(() => [Organization], { description: 'The organisations the viewer belongs to.' })
  myOrganizations(@Ctx() ctx: Context) {
    return this.organizations.mine(signedIn(ctx));
  }

  @Query(() => Organization, {
    nullable: true,
    description: 'The organisation of the API key making the request; null without a key.',
  })
  currentOrganization(@Ctx() ctx: Context) {
    return ctx.apiKey ? this.organizations.find(ctx, ctx.apiKey.organizationId) : null;
  }

  @Mutation(() => Organization, { description: 'The viewer becomes its OWNER.' })
  createOrganization(
    @Arg('input', () => CreateOrganizationInput) input: CreateOrganizationInput,
    @Ctx() ctx: Context,
  ) {
    return this.organizations.create(signedIn(ctx), input);
  }

  @Mutation(() => Organization, {
    description: 'Owners and admins; only an owner may add another owner.',
  })
  addOrganizationMember(
    @Arg('organizationId', () => ID) organizationId: string,
    @Arg('userId', () => ID) userId: string,
    @Arg('role', () => OrganizationRole, { nullable: true, defaultValue: OrganizationRole.MEMBER })
    role: OrganizationRole | null,
    @Ctx() ctx: Context,
  ) {
    return this.organizations.addMember(
      signedIn(ctx),
      organizationId,
      userId,
      role ?? OrganizationRole.MEMBER,
    );
  }

  @Mutation(() => Organization, { description: 'An organisation always keeps at least one owner.' })
  removeOrganizationMember(
    @Arg('organizationId', () => ID) organizationId: string,
    @Arg('userId', () => ID) userId: string,
    @Ctx() ctx: Context,
  ) {
    return this.organizations.removeMember(signedIn(ctx), organizationId, userId);
  }

  @Mutation(() => CreatedApiKey, { description: 'Owners and admins.' })
  createApiKey(
    @Arg('organizationId', () => ID) organizationId: string,
    @Arg('input', () => CreateApiKeyInput) input: CreateApiKeyInput,
    @Ctx() ctx: Context,
  ) {
    return this.keys.create(signedIn(ctx), organizationId, input);
  }

  @Mutation(() => ApiKey, {
    description: 'Owners and admins; takes effect on the next request, on every server process.',
  })
  revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return this.keys.revoke(signedIn(ctx), id);
  }

  @FieldResolver(() => User, {
    description: 'The user that represents the organisation: the author of what it publishes.',
  })
  profile(@Root() org: Organization): Promise<User> {
    return org.profile.loadOrFail();
  }

  @PerViewer()
  @FieldResolver(() => [OrganizationMember], {
    description: 'Members of the organisation see this; others get an empty list.',
  })
  async members(@Root() org: Organization, @Ctx() ctx: Context) {
    const role = await ctx.loaders.partners.viewerRole.load(org.id);
    return canSeeMembers(ctx.viewer, role) ? ctx.loaders.partners.members.load(org.id) : [];
  }

  @PerViewer()
  @FieldResolver(() => OrganizationRole, {
    nullable: true,
    description: "The viewer's role, null when they are not a member.",
  })
  viewerRole(@Root() org: Organization, @Ctx() ctx: Context) {
    return ctx.loaders.partners.viewerRole.load(org.id);
  }

  @PerViewer()
  @FieldResolver(() => [ApiKey], {
    description:
      'Owners and admins only; others get an empty list. Newest first, revoked ones included.',
  })
  async apiKeys(@Root() org: Organization, @Ctx() ctx: Context) {
    if (!ctx.viewer) return [];
    const role = await ctx.loaders.partners.viewerRole.load(org.id);
    return canManage(ctx.viewer, role) ? ctx.loaders.partners.apiKeys.load(org.id) : [];
  }
}

@Resolver(() => OrganizationMember)
export class OrganizationMemberResolver {
  @FieldResolver(() => User)
  user(@Root() m: OrganizationMember): Promise<User> {
    return m.user.loadOrFail();
  }
}

@Resolver(() => ApiKey)
export class ApiKeyResolver {
  @FieldResolver(() => User)
  createdBy(@Root() k: ApiKey): Promise<User> {
    return k.createdBy.loadOrFail();
  }
}

import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expectCode } from '../helpers/errors.js';
import { contentSuite, fx, newUser } from '../helpers/content.js';
import { reasonOf } from '../helpers/memberships.js';
import { organizationOf } from '../helpers/partners.js';
import { targets } from '../helpers/targets.js';
import { Organization } from '../../src/modules/partners/index.js';

for (const target of targets()) {
  describe(`partners: organisations and roles (${target.name})`, () => {
    contentSuite(target, 'partners-organizations');

    it('should make the creator OWNER and a profile user that cannot sign in', async () => {
      const owner = await newUser('owner');
      const org = await organizationOf(owner.client, 'Acme Outdoor');
      assert.equal(org.viewerRole, 'OWNER');
      assert.deepEqual(
        org.members.map((m) => [m.user.id, m.role]),
        [[owner.id, 'OWNER']],
      );
      assert.deepEqual([org.profile.handle, org.profile.displayName], [org.slug, 'Acme Outdoor']);
      const profileEmail = `${org.slug}@organizations.marquee.invalid`;
      for (const password of ['', 'correct horse battery', '!']) {
        await expectCode(
          fx.t
            .client()
            .LogIn({ input: { email: profileEmail, password: password || 'x'.repeat(10) } }),
          'UNAUTHENTICATED',
        );
      }
      const bySlug = await fx.bob.client.OrganizationBySlug({ slug: org.slug });
      assert.equal(bySlug.organizationBySlug?.id, org.id);
      // Others see the organisation, not its people nor its keys.
      assert.deepEqual(
        [
          bySlug.organizationBySlug?.members,
          bySlug.organizationBySlug?.apiKeys,
          bySlug.organizationBySlug?.viewerRole,
        ],
        [[], [], null],
      );
      assert.deepEqual(
        (await owner.client.MyOrganizations()).myOrganizations.map((o) => o.id),
        [org.id],
      );
    });

    it('should refuse taken and malformed slugs, writing nothing', async () => {
      const owner = await newUser('owner');
      const org = await organizationOf(owner.client);
      const before = await fx.t.server.orm.em.fork().count(Organization, {});
      const taken = await expectCode(
        owner.client.CreateOrganization({ input: { name: 'Again', slug: org.slug } }),
        'CONFLICT',
      );
      assert.equal(reasonOf(taken), 'SLUG_TAKEN');
      // A person's handle is taken too: the profile user needs it.
      await expectCode(
        owner.client.CreateOrganization({
          input: { name: 'Bob Inc', slug: (await fx.bob.client.Me()).me!.handle },
        }),
        'CONFLICT',
      );
      for (const slug of ['AB', 'a b', 'x'.repeat(31), 'Upper']) {
        await expectCode(
          owner.client.CreateOrganization({ input: { name: 'X', slug } }),
          'BAD_USER_INPUT',
        );
      }
      await expectCode(
        owner.client.CreateOrganization({ input: { name: ' ', slug: 'fine_slug' } }),
        'BAD_USER_INPUT',
      );
      assert.equal(await fx.t.server.orm.em.fork().count(Organization, {}), before);
      await expectCode(
        fx.t.client().CreateOrganization({ input: { name: 'Anon', slug: 'anon_org' } }),
        'UNAUTHENTICATED',
      );
    });

    it('should let owners and admins manage members, only owners make owners, and always keep an owner', async () => {
      const owner = await newUser('owner');
      const [admin, member, other] = await Promise.all([
        newUser('adm'),
        newUser('mem'),
        newUser('oth'),
      ]);
      const org = await organizationOf(owner.client);
      const add = (c: typeof owner.client, userId: string, role?: 'OWNER' | 'ADMIN' | 'MEMBER') =>
        c.AddOrganizationMember({ organizationId: org.id, userId, role });
      await add(owner.client, admin.id, 'ADMIN');
      const withMember = (await add(admin.client, member.id)).addOrganizationMember;
      assert.deepEqual(withMember.members.map((m) => m.role).sort(), ['ADMIN', 'MEMBER', 'OWNER']);
      assert.equal(
        reasonOf(await expectCode(add(admin.client, other.id, 'OWNER'), 'FORBIDDEN')),
        'OWNER_REQUIRED',
      );
      assert.equal(
        reasonOf(await expectCode(add(member.client, other.id), 'FORBIDDEN')),
        'NOT_ORGANIZATION_ADMIN',
      );
      await expectCode(add(owner.client, '00000000-0000-4000-8000-000000000000'), 'NOT_FOUND');
      // Members see the member list; a member sees no keys.
      const seen = (await member.client.Organization({ id: org.id })).organization;
      assert.equal(seen?.members.length, 3);
      assert.deepEqual([seen?.viewerRole, seen?.apiKeys], ['MEMBER', []]);

      const last = await expectCode(
        owner.client.RemoveOrganizationMember({ organizationId: org.id, userId: owner.id }),
        'CONFLICT',
      );
      assert.equal(reasonOf(last), 'LAST_OWNER');
      await expectCode(add(owner.client, owner.id, 'MEMBER'), 'CONFLICT');
      await expectCode(
        admin.client.RemoveOrganizationMember({ organizationId: org.id, userId: owner.id }),
        'FORBIDDEN',
      );
      // A second owner lets the first one go; members may leave on their own.
      await add(owner.client, admin.id, 'OWNER');
      await owner.client.RemoveOrganizationMember({ organizationId: org.id, userId: owner.id });
      await member.client.RemoveOrganizationMember({ organizationId: org.id, userId: member.id });
      const now = (await admin.client.Organization({ id: org.id })).organization;
      assert.deepEqual(
        now?.members.map((m) => [m.user.id, m.role]),
        [[admin.id, 'OWNER']],
      );
      assert.equal(
        (await owner.client.Organization({ id: org.id })).organization?.viewerRole,
        null,
      );
    });
  });
}

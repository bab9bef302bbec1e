import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { sdkClient } from '../helpers/sdk.js';
import {
  ADMIN_EMAIL,
  ADMIN_EMAILS,
  bootServer,
  PASSWORD,
  type TestServer,
} from '../helpers/server.js';
import { expectCode } from '../helpers/errors.js';
import { targets } from '../helpers/targets.js';

for (const target of targets()) {
  describe(`accounts (${target.name})`, () => {
    let t: TestServer;
    before(async () => {
      t = await bootServer(target, 'accounts', { env: { LOGIN_RATE_LIMIT: '5' } });
    });
    after(() => t.close());

    it('should sign up, return a token, and know the user as me', async () => {
      const { signUp } = await t.client().SignUp({
        input: {
          email: ' Ann@Example.COM ',
          password: PASSWORD,
          handle: 'ann',
          displayName: ' Ann ',
        },
      });
      assert.equal(signUp.user.handle, 'ann');
      assert.equal(signUp.user.displayName, 'Ann');
      assert.equal(signUp.user.email, 'ann@example.com');
      assert.equal(signUp.user.role, 'USER');
      assert.ok(new Date(signUp.expiresAt).getTime() > Date.now());
      const { me } = await t.client(signUp.token).Me();
      assert.equal(me?.id, signUp.user.id);
      assert.equal(me?.email, 'ann@example.com');
    });

    it('should return null for me when nobody is signed in', async () => {
      assert.equal((await t.client().Me()).me, null);
    });

    it('should refuse bad sign-up input naming the field', async () => {
      const good = {
        email: 'x1@example.com',
        password: PASSWORD,
        handle: 'x_one',
        displayName: 'X',
      };
      const cases: [Partial<typeof good>, string][] = [
        [{ email: 'not-an-email' }, 'email'],
        [{ password: 'short' }, 'password'],
        [{ handle: 'No Caps' }, 'handle'],
        [{ handle: 'ab' }, 'handle'],
        [{ handle: 'a'.repeat(31) }, 'handle'],
        [{ displayName: '   ' }, 'displayName'],
      ];
      for (const [change, field] of cases) {
        const e = await expectCode(
          t.client().SignUp({ input: { ...good, ...change } }),
          'BAD_USER_INPUT',
        );
        assert.equal(e.errors[0]?.extensions?.field, field, JSON.stringify(change));
      }
    });

    it('should refuse a duplicate email or handle with CONFLICT, naming only the handle', async () => {
      await t.user('dup');
      const e1 = await expectCode(
        t.client().SignUp({
          input: {
            email: 'DUP@example.com',
            password: PASSWORD,
            handle: 'dup2',
            displayName: 'D',
          },
        }),
        'CONFLICT',
      );
      // The email's owner is not revealed: no field, a generic reason (abuse-limits.test.ts).
      assert.equal(e1.errors[0]?.extensions?.field, undefined);
      assert.equal(e1.errors[0]?.extensions?.reason, 'SIGN_UP_REFUSED');
      const e2 = await expectCode(
        t.client().SignUp({
          input: {
            email: 'other@example.com',
            password: PASSWORD,
            handle: 'dup',
            displayName: 'D',
          },
        }),
        'CONFLICT',
      );
      assert.equal(e2.errors[0]?.extensions?.field, 'handle');
    });

    it('should log in with the right password only', async () => {
      const u = await t.user('login_ok');
      const { logIn } = await t.client().LogIn({ input: { email: u.email, password: PASSWORD } });
      assert.equal(logIn.user.id, u.id);
      await expectCode(
        t.client().LogIn({ input: { email: u.email, password: 'wrong password!' } }),
        'UNAUTHENTICATED',
      );
      await expectCode(
        t.client().LogIn({ input: { email: 'nobody@example.com', password: PASSWORD } }),
        'UNAUTHENTICATED',
      );
    });

    it('should rate-limit logIn per email with a retry-after', async () => {
      const u = await t.user('limited');
      for (let i = 0; i < 5; i++) {
        await expectCode(
          t.client().LogIn({ input: { email: u.email, password: 'wrong password!' } }),
          'UNAUTHENTICATED',
        );
      }
      const e = await expectCode(
        t.client().LogIn({ input: { email: u.email, password: PASSWORD } }),
        'RATE_LIMITED',
      );
      const retryAfter = e.errors[0]?.extensions?.retryAfter;
      assert.ok(
        typeof retryAfter === 'number' && retryAfter >= 1,
        `retryAfter: ${String(retryAfter)}`,
      );
    });

    it('should rate-limit logIn per client address across emails', async () => {
      // Its own server, so the exhausted address budget does not leak into other tests.
      const s = await bootServer(target, 'accounts-address', { env: { LOGIN_RATE_LIMIT: '2' } });
      try {
        // The per-address budget is five times the per-email one: 10 attempts here.
        for (let i = 0; i < 10; i++) {
          await expectCode(
            s
              .client()
              .LogIn({ input: { email: `spray${i}@example.com`, password: 'wrong password!' } }),
            'UNAUTHENTICATED',
          );
        }
        await expectCode(
          s.client().LogIn({ input: { email: 'fresh@example.com', password: PASSWORD } }),
          'RATE_LIMITED',
        );
      } finally {
        await s.close();
      }
    });

    it('should treat a bad or expired token as UNAUTHENTICATED, never anonymous', async () => {
      await expectCode(sdkClient({ url: t.server.url, token: 'garbage' }).Me(), 'UNAUTHENTICATED');
      const expired = await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('00000000-0000-4000-8000-000000000000')
        .setIssuer('marquee')
        .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
        .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
        .sign(new TextEncoder().encode(t.config.jwtSecret));
      const e = await expectCode(
        sdkClient({ url: t.server.url, token: expired }).Me(),
        'UNAUTHENTICATED',
      );
      assert.match(e.message, /expired/i);
      await expectCode(
        sdkClient({ url: t.server.url, headers: { authorization: 'Basic abc' } }).Me(),
        'UNAUTHENTICATED',
      );
    });

    it('should show a user email only to themself and admins', async () => {
      const owner = await t.user('private_mail');
      const other = await t.user('nosy');
      const admin = await t.user('the_admin', { email: ADMIN_EMAILS[1] });
      const own = await owner.client.UserWithEmail({ id: owner.id });
      assert.equal(own.user?.email, owner.email);
      const byAdmin = await admin.client.UserWithEmail({ id: owner.id });
      assert.equal(byAdmin.user?.email, owner.email);
      for (const c of [other.client, t.client()]) {
        const e = await expectCode(
          c.UserWithEmail({ id: owner.id }),
          c === other.client ? 'FORBIDDEN' : 'UNAUTHENTICATED',
        );
        const data = e.data as { user: { email: string | null; handle: string } };
        assert.equal(data.user.email, null);
        assert.equal(data.user.handle, 'private_mail');
      }
    });

    it('should find users by id and handle, and null for unknown ones', async () => {
      const u = await t.user('findme');
      assert.equal((await t.client().User({ id: u.id })).user?.handle, 'findme');
      assert.equal((await t.client().UserByHandle({ handle: 'findme' })).userByHandle?.id, u.id);
      assert.equal((await t.client().User({ id: 'not-a-uuid' })).user, null);
      assert.equal(
        (await t.client().User({ id: '00000000-0000-4000-8000-000000000000' })).user,
        null,
      );
      assert.equal((await t.client().UserByHandle({ handle: 'nobody_here' })).userByHandle, null);
    });

    it('should update the profile of the signed-in user, validating each field', async () => {
      const u = await t.user('profile');
      const { updateProfile } = await u.client.UpdateProfile({
        input: {
          displayName: 'New Name',
          bio: 'Hello',
          avatarUrl: 'https://img.example.com/a.png',
        },
      });
      assert.deepEqual(
        [updateProfile.displayName, updateProfile.bio, updateProfile.avatarUrl],
        ['New Name', 'Hello', 'https://img.example.com/a.png'],
      );
      const cleared = await u.client.UpdateProfile({ input: { bio: null, avatarUrl: '' } });
      assert.equal(cleared.updateProfile.bio, null);
      assert.equal(cleared.updateProfile.avatarUrl, null);
      for (const [input, field] of [
        [{ avatarUrl: 'javascript:alert(1)' }, 'avatarUrl'],
        [{ avatarUrl: 'not a url' }, 'avatarUrl'],
        [{ displayName: '' }, 'displayName'],
        [{ bio: 'x'.repeat(1001) }, 'bio'],
      ] as const) {
        const e = await expectCode(u.client.UpdateProfile({ input }), 'BAD_USER_INPUT');
        assert.equal(e.errors[0]?.extensions?.field, field);
      }
      await expectCode(t.client().UpdateProfile({ input: { bio: 'x' } }), 'UNAUTHENTICATED');
    });

    it('should make ADMIN_EMAILS admins, and let only admins set roles', async () => {
      const admin = await t.user('boss', { email: ADMIN_EMAIL.toUpperCase() });
      const me = await admin.client.Me();
      assert.equal(me.me?.role, 'ADMIN');
      const u = await t.user('promoted');
      const { setUserRole } = await admin.client.SetUserRole({ userId: u.id, role: 'MODERATOR' });
      assert.equal(setUserRole.role, 'MODERATOR');
      assert.equal((await u.client.Me()).me?.role, 'MODERATOR');
      await expectCode(u.client.SetUserRole({ userId: u.id, role: 'ADMIN' }), 'FORBIDDEN');
      await expectCode(t.client().SetUserRole({ userId: u.id, role: 'ADMIN' }), 'UNAUTHENTICATED');
      await expectCode(
        admin.client.SetUserRole({ userId: '00000000-0000-4000-8000-000000000000', role: 'USER' }),
        'NOT_FOUND',
      );
    });
  });
}

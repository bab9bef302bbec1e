import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bootServer, PASSWORD, type TestServer } from '../helpers/server.js';
import { targets, type Storage } from '../helpers/targets.js';

/** ADMIN_EMAILS applies to accounts that exist already: at server start and at sign-in. */
for (const target of targets()) {
  describe(`accounts: ADMIN_EMAILS for existing accounts (${target.name})`, () => {
    let storage: Storage;
    const running: TestServer[] = [];
    const boot = async (adminEmails: string) => {
      const t = await bootServer(target, 'admin-emails', {
        storage,
        env: { ADMIN_EMAILS: adminEmails },
      });
      running.push(t);
      return t;
    };
    const stop = async (t: TestServer) => {
      running.splice(running.indexOf(t), 1);
      await t.close();
    };
    const role = async (t: TestServer, token: string) => (await t.client(token).Me()).me?.role;

    before(async () => {
      storage = await target.provision('admin-emails');
    });
    after(async () => {
      for (const t of running) await t.close();
      await storage.drop();
    });

    it('should promote listed accounts at start, and demote nobody who is not listed', async () => {
      const plain = await boot('');
      const carol = await plain.user('carol');
      const erin = await plain.user('erin');
      assert.equal(await role(plain, carol.token), 'USER');
      assert.equal(await role(plain, erin.token), 'USER');
      await stop(plain);

      const listing = await boot(`${carol.email.toUpperCase()}, dave@example.com`);
      assert.equal(await role(listing, carol.token), 'ADMIN');
      assert.equal(await role(listing, erin.token), 'USER');
      // An admin made otherwise than by the list: setUserRole.
      const { setUserRole } = await listing
        .client(carol.token)
        .SetUserRole({ userId: erin.id, role: 'ADMIN' });
      assert.equal(setUserRole.role, 'ADMIN');
      await stop(listing);

      const other = await boot('someone-else@example.com');
      assert.equal(await role(other, carol.token), 'ADMIN');
      assert.equal(await role(other, erin.token), 'ADMIN');
      await stop(other);
    });

    it('should promote a listed account when it signs in', async () => {
      // Two processes on the same storage: the account is made where it is not listed,
      // after the listing process has started.
      const listing = await boot('gina@example.com');
      const plain = await boot('');
      const gina = await plain.user('gina');
      assert.equal(await role(plain, gina.token), 'USER');

      const { logIn } = await listing
        .client()
        .LogIn({ input: { email: 'Gina@Example.com', password: PASSWORD } });
      assert.equal(logIn.user.role, 'ADMIN');
      assert.equal(await role(plain, logIn.token), 'ADMIN');
      assert.equal(await role(plain, gina.token), 'ADMIN');

      // Signing in where it is not listed leaves the role as it is.
      const again = await plain
        .client()
        .LogIn({ input: { email: 'gina@example.com', password: PASSWORD } });
      assert.equal(again.logIn.user.role, 'ADMIN');
      await stop(plain);
      await stop(listing);
    });
  });
}

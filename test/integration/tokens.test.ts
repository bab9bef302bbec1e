import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { User } from '../../src/modules/accounts/index.js';
import { bootServer, type TestServer } from '../helpers/server.js';
import { post } from '../helpers/http.js';
import { targets } from '../helpers/targets.js';
import { connect } from '../helpers/ws.js';

// Issue 11, item 7: a token is accepted only with an expiry and only for an account that
// still exists, over HTTP (401) and graphql-ws (4403 at connection_init) alike.

const ME = 'query { me { id } }';
const guard = { timeout: 30_000 };

for (const target of targets()) {
  describe(`tokens (${target.name})`, () => {
    let t: TestServer;
    before(async () => {
      t = await bootServer(target, 'tokens');
    });
    after(() => t.close());

    /** A token signed with the server's secret and issuer, but without `exp`. */
    const withoutExpiry = (userId: string) =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(userId)
        .setIssuer('marquee')
        .setIssuedAt()
        .sign(new TextEncoder().encode(t.config.jwtSecret));

    const overHttp = (token: string) =>
      post(t.server.url, { query: ME }, { authorization: `Bearer ${token}` });

    it(
      'should refuse a token without exp: 401 over HTTP, 4403 over graphql-ws',
      guard,
      async () => {
        const u = await t.user('no_exp');
        const token = await withoutExpiry(u.id);
        const r = await overHttp(token);
        assert.equal(r.status, 401, r.text);
        assert.equal(r.body.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED', r.text);
        assert.equal(r.body.errors?.[0]?.extensions?.reason, 'TOKEN_INVALID', r.text);

        const c = connect(t.server.wsUrl, { authorization: `Bearer ${token}` });
        assert.equal(await c.closed, 4403);
        await c.close();
      },
    );

    it(
      "should refuse a deleted account's token at connection_init with 4403, as HTTP does with 401",
      guard,
      async () => {
        const u = await t.user('deleted_account');
        const ok = connect(t.server.wsUrl, { authorization: `Bearer ${u.token}` });
        await ok.connected;
        await ok.close();

        await t.server.orm.em.fork().nativeDelete(User, { id: u.id });
        const r = await overHttp(u.token);
        assert.equal(r.status, 401, r.text);
        assert.equal(r.body.errors?.[0]?.extensions?.reason, 'ACCOUNT_GONE', r.text);

        const gone = connect(t.server.wsUrl, { authorization: `Bearer ${u.token}` });
        // Closed before any acknowledgement: the client is never told it is connected.
        let acknowledged = false;
        void gone.connected.then(() => (acknowledged = true));
        assert.equal(await gone.closed, 4403);
        assert.equal(acknowledged, false);
        await gone.close();
      },
    );
  });
}

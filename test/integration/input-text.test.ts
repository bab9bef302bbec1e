import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { codeOf, post, type Reply } from '../helpers/http.js';
import { bootServer, PASSWORD, type TestServer } from '../helpers/server.js';
import { targets } from '../helpers/targets.js';
import { connect, type Connection } from '../helpers/ws.js';

// Issue 11, item 5: a NUL or an unpaired surrogate in any string argument is refused as
// BAD_USER_INPUT (INVALID_TEXT) before anything runs, over HTTP and graphql-ws, whether it
// is a literal or a variable, at the top, inside an input object or in a list.

const NUL = 'before\u0000after';
/** Lone halves of a surrogate pair, as JSON (a variable) can carry them. */
const LONE = ['\uD800', 'x\uDC00', '\uDBFFy', 'ok\uD83D'];
const EMOJI = 'party 😀 time';
/** GraphQL's own escape for NUL, inside a document's string literal. */
const NUL_LITERAL = 'before\\u0000after';
const SOME_ID = '00000000-0000-4000-8000-000000000000';

type Result = { errors?: readonly { extensions?: Record<string, unknown> }[]; data?: unknown };

function assertInvalidText(result: Result, field: string, what = '') {
  const text = JSON.stringify(result);
  const error = result.errors?.[0];
  assert.equal(error?.extensions?.code, 'BAD_USER_INPUT', `${what}: ${text}`);
  assert.equal(error?.extensions?.reason, 'INVALID_TEXT', `${what}: ${text}`);
  assert.equal(error?.extensions?.field, field, `${what}: ${text}`);
}

function assertNoInternal(r: Reply) {
  assert.ok(r.status < 500, r.text);
  assert.doesNotMatch(r.text, /INTERNAL_SERVER_ERROR/, r.text);
}

/** The first result of one operation over graphql-ws (a subscription refused ends with it). */
async function overWs(c: Connection, query: string, variables?: Record<string, unknown>) {
  for await (const result of c.client.iterate({ query, variables })) return result as Result;
  throw new Error('the operation completed without a result');
}

const signUp = `mutation($input: SignUpInput!) { signUp(input: $input) { token user { displayName } } }`;
const byHandle = `query($h: String!) { userByHandle(handle: $h) { id } }`;

for (const target of targets()) {
  describe(`malformed text in arguments (${target.name})`, { timeout: 120_000 }, () => {
    let t: TestServer;
    let token: string;
    let me: string;
    let contentId: string;
    const http = (query: string, variables?: Record<string, unknown>, auth = true) =>
      post(t.server.url, { query, variables }, auth ? { authorization: `Bearer ${token}` } : {});

    before(async () => {
      t = await bootServer(target, 'input-text');
      const user = await t.user('texter');
      [token, me] = [user.token, user.id];
      const { createContent } = await user.client.CreateContent({
        input: { title: 'A title', body: 'A body', kind: 'ARTICLE' },
      });
      contentId = createContent.id;
    });
    after(() => t.close());

    it('should refuse NUL in a top-level argument, literal or variable, over HTTP', async () => {
      const literal = await http(`{ userByHandle(handle: "${NUL_LITERAL}") { id } }`);
      assertNoInternal(literal);
      assertInvalidText(literal.body, 'handle', 'literal');
      const variable = await http(byHandle, { h: NUL });
      assertNoInternal(variable);
      assertInvalidText(variable.body, 'handle', 'variable');
      const id = await http(`query($id: ID!) { user(id: $id) { id } }`, { id: `${me}\u0000` });
      assertInvalidText(id.body, 'id', 'an ID');
    });

    it('should refuse NUL in an input field and leave nothing written', async () => {
      const input = { email: 'nul@example.com', password: PASSWORD, handle: 'nul_user' };
      const variable = await http(signUp, { input: { ...input, displayName: NUL } }, false);
      assertNoInternal(variable);
      assertInvalidText(variable.body, 'input.displayName', 'variable');
      const literal = await http(
        `mutation { signUp(input: { email: "nul@example.com", password: "${PASSWORD}", handle: "nul_user", displayName: "${NUL_LITERAL}" }) { token } }`,
        undefined,
        false,
      );
      assertInvalidText(literal.body, 'input.displayName', 'literal');
      const password = await http(
        signUp,
        { input: { ...input, displayName: 'x', password: `${PASSWORD}\u0000` } },
        false,
      );
      assertInvalidText(password.body, 'input.password', 'password');
      // Neither refused call created the account: the same email and handle are free.
      const signed = await http(signUp, { input: { ...input, displayName: EMOJI } }, false);
      assert.equal(signed.body.errors, undefined, signed.text);
      const data = signed.body.data as { signUp: { user: { displayName: string } } };
      assert.equal(data.signUp.user.displayName, EMOJI);
    });

    it('should refuse NUL in list elements, top-level and inside inputs', async () => {
      const ids = await http(
        `mutation($ids: [ID!]!) { startConversation(memberIds: $ids) { id } }`,
        {
          ids: [SOME_ID, `x\u0000`],
        },
      );
      assertNoInternal(ids);
      assertInvalidText(ids.body, 'memberIds[1]', 'ID list');
      const tags = await http(
        `mutation { createContent(input: { title: "t", body: "b", kind: ARTICLE, tags: ["fine", "${NUL_LITERAL}"] }) { id } }`,
      );
      assertInvalidText(tags.body, 'input.tags[1]', 'tags literal');
      const events = await http(
        `mutation($events: [TrackEventInput!]!) { trackEvents(events: $events) { accepted } }`,
        {
          events: [
            { id: 'e1', contentId, type: 'VIEW', occurredAt: new Date().toISOString() },
            { id: `e2\u0000`, contentId, type: 'VIEW' },
          ],
        },
        false,
      );
      assertNoInternal(events);
      assertInvalidText(events.body, 'events[1].id', 'list of inputs');
    });

    it('should refuse NUL in the argument of a nested field', async () => {
      const r = await http(
        `query($id: ID!, $after: String) { content(id: $id) { id comments(after: $after) { totalCount } } }`,
        { id: contentId, after: NUL },
      );
      assertNoInternal(r);
      assertInvalidText(r.body, 'after', 'nested');
    });

    it('should refuse unpaired surrogates in variables, and in literals as a syntax error', async () => {
      for (const lone of LONE) {
        const r = await http(byHandle, { h: lone });
        assertNoInternal(r);
        assertInvalidText(r.body, 'handle', JSON.stringify(lone));
        const nested = await http(signUp, {
          input: {
            email: 'lone@example.com',
            password: PASSWORD,
            handle: 'lone_one',
            displayName: lone,
          },
        });
        assertInvalidText(nested.body, 'input.displayName', JSON.stringify(lone));
      }
      // graphql-js refuses a lone surrogate in a document before anything else runs.
      const literal = await http(`{ userByHandle(handle: "\\uD800") { id } }`);
      assert.equal(literal.status, 400, literal.text);
      assert.equal(codeOf(literal), 'GRAPHQL_PARSE_FAILED', literal.text);
    });

    it('should accept text outside the BMP, as pairs, literal and variable', async () => {
      const literal = await http(`{ userByHandle(handle: "\\uD83D\\uDE00") { id } }`);
      assert.deepEqual(literal.body, { data: { userByHandle: null } }, literal.text);
      const direct = await http(`{ userByHandle(handle: "😀") { id } }`);
      assert.deepEqual(direct.body, { data: { userByHandle: null } }, direct.text);
      const created = await http(
        `mutation($input: CreateContentInput!) { createContent(input: $input) { title tags } }`,
        { input: { title: EMOJI, body: `${EMOJI} 🧑‍🚀`, kind: 'ARTICLE', tags: ['rocket🚀'] } },
      );
      assert.equal(created.body.errors, undefined, created.text);
      assert.deepEqual(created.body.data, { createContent: { title: EMOJI, tags: ['rocket🚀'] } });
    });

    it('should refuse the same over graphql-ws, in operations and subscriptions', async () => {
      const c = connect(t.server.wsUrl, { authorization: `Bearer ${token}` });
      try {
        await c.connected;
        assertInvalidText(await overWs(c, byHandle, { h: NUL }), 'handle', 'ws query');
        assertInvalidText(
          await overWs(c, signUp, {
            input: {
              email: 'ws@example.com',
              password: PASSWORD,
              handle: 'ws_user',
              displayName: NUL,
            },
          }),
          'input.displayName',
          'ws input',
        );
        assertInvalidText(
          await overWs(c, `mutation($ids: [ID!]!) { startConversation(memberIds: $ids) { id } }`, {
            ids: [`\u0000`],
          }),
          'memberIds[0]',
          'ws list',
        );
        const subscriptions: [string, Record<string, unknown> | undefined, string][] = [
          [`subscription { contentPublished(tag: "${NUL_LITERAL}") { id } }`, undefined, 'tag'],
          [`subscription($t: String) { contentPublished(tag: $t) { id } }`, { t: '\uDC00' }, 'tag'],
          [
            `subscription($c: ID!, $a: String) { chatEvents(conversationId: $c, after: $a) { __typename } }`,
            { c: SOME_ID, a: NUL },
            'after',
          ],
          [
            `subscription($c: ID!) { chatEvents(conversationId: $c) { __typename } }`,
            { c: `${SOME_ID}\u0000` },
            'conversationId',
          ],
        ];
        for (const [query, variables, field] of subscriptions) {
          assertInvalidText(await overWs(c, query, variables), field, query);
        }
        const fine = await overWs(c, `{ userByHandle(handle: "😀") { id } }`);
        assert.deepEqual(fine, { data: { userByHandle: null } });
      } finally {
        await c.close();
      }
    });
  });
}

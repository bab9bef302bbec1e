import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  buildClientSchema,
  buildSchema,
  extendSchema,
  findBreakingChanges,
  getIntrospectionQuery,
  parse,
  type IntrospectionQuery,
} from 'graphql';
import { protect, uncoveredRootFields } from '../../src/infra/permissions.js';
import { buildBareSchema, printSortedSchema, rules } from '../../src/schema.js';
import { SDK_OUTPUT } from '../../sdk/codegen.config.js';
import { bootServer, type TestServer } from '../helpers/server.js';
import { formatLikeGenerate, freshSdk } from '../helpers/sdk-check.js';
import { targets } from '../helpers/targets.js';

const SCHEMA_FILE = 'schema/schema.graphql';
const STALE = 'run `npm run generate` and commit the result';

/**
 * The contract parts the server implements, after 10-base.graphql. Each feature issue adds
 * its part here (e.g. '20-chat.graphql') in the change that implements it.
 */
const IMPLEMENTED_PARTS: string[] = [
  '20-chat.graphql',
  '30-metrics.graphql',
  '40-recommendations.graphql',
  '50-memberships.graphql',
  '60-partners.graphql',
  '70-ads.graphql',
];

const contractDir = resolve(process.cwd(), process.env.CONTRACT_DIR ?? '../shared/contract');
const ci = process.env.CI === 'true';

describe('schema: generated files', () => {
  it('should have a committed schema.graphql equal to the one the code emits', async () => {
    const emitted = await formatLikeGenerate(
      printSortedSchema(await buildBareSchema()),
      SCHEMA_FILE,
    );
    const committed = readFileSync(SCHEMA_FILE, 'utf8');
    assert.ok(emitted === committed, `${SCHEMA_FILE} is stale: ${STALE}`);
  });

  it('should version the SDK package with the schema (the server package)', () => {
    const version = (file: string) =>
      (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
    assert.equal(
      version('sdk/package.json'),
      version('package.json'),
      'bump both versions together',
    );
  });

  it('should have a committed SDK equal to what codegen makes of the committed schema', async () => {
    const committed = readFileSync(SDK_OUTPUT, 'utf8');
    assert.ok((await freshSdk()) === committed, `${SDK_OUTPUT} is stale: ${STALE}`);
  });
});

describe('schema: public API contract', () => {
  it('should be a non-breaking superset of the contract parts it implements', async (t) => {
    if (!existsSync(join(contractDir, '10-base.graphql'))) {
      const notice = `contract folder ${contractDir} not found (set CONTRACT_DIR)`;
      assert.ok(!ci, `${notice}: CI=true requires it`);
      console.log(`${notice}: skipping the contract check`);
      t.skip(notice);
      return;
    }
    const sdl = ['10-base.graphql', ...IMPLEMENTED_PARTS]
      .map((part) => readFileSync(join(contractDir, part), 'utf8'))
      .join('\n');
    const contract = buildSchema(sdl);
    const changes = findBreakingChanges(contract, await buildBareSchema());
    assert.deepEqual(
      changes,
      [],
      `the schema breaks the contract:\n${changes.map((c) => `  ${c.type}: ${c.description}`).join('\n')}`,
    );
  });
});

describe('schema: permissions', () => {
  it('should refuse to protect a schema with a root field that has no rule, naming it', async () => {
    const extended = extendSchema(
      await buildBareSchema(),
      parse(`
        extend type Query { unguardedQuery: String }
        extend type Mutation { unguardedMutation: String }
        extend type Subscription { unguardedSubscription: String }
      `),
    );
    assert.deepEqual(uncoveredRootFields(extended, rules), [
      'Query.unguardedQuery',
      'Mutation.unguardedMutation',
      'Subscription.unguardedSubscription',
    ]);
    assert.throws(
      () => protect(extended, rules, () => undefined),
      /Query\.unguardedQuery, Mutation\.unguardedMutation, Subscription\.unguardedSubscription/,
    );
  });
});

for (const target of targets()) {
  describe(`schema: served (${target.name})`, () => {
    let t: TestServer;
    before(async () => {
      t = await bootServer(target, 'schema');
    });
    after(() => t.close());

    it('should have a permission rule for every root field it serves', async () => {
      const response = await fetch(t.server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: getIntrospectionQuery() }),
      });
      assert.equal(response.status, 200);
      const { data } = (await response.json()) as { data: IntrospectionQuery };
      const served = buildClientSchema(data);
      assert.ok(served.getQueryType() && served.getMutationType() && served.getSubscriptionType());
      assert.deepEqual(uncoveredRootFields(served, rules), []);
    });
  });
}

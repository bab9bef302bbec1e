import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { execute, parse, type GraphQLSchema } from 'graphql';
import { loadConfig } from '../src/config.js';
import { assemble, createInfra } from '../src/app.js';
import { createContext } from '../src/context.js';
import { entities, features } from '../src/features.js';
import { initOrm, migrate, type Em } from '../src/infra/db.js';
import { createLogger } from '../src/infra/logger.js';
import { allow, shield } from 'graphql-shield';
import { applyMiddleware } from 'graphql-middleware';
import { buildBareSchema, buildServedSchema, rules } from '../src/schema.js';
import { Role, User } from '../src/modules/accounts/index.js';
import {
  Content,
  ContentKind,
  ContentStatus,
  ContentTag,
  Like,
  previewOf,
  Visibility,
} from '../src/modules/content/index.js';
import {
  BillingInterval,
  Membership,
  MembershipStatus,
  Tier,
} from '../src/modules/memberships/index.js';

/**
 * `npm run bench`: what graphql-shield costs on a 1 000-item list, how many SQL
 * statements a content page takes for 5 and for 50 items, and what the body rule costs on
 * a 20-item feed of half gated content, for viewers with and without memberships. In-process on the embedded
 * SQLite database, so the figures measure the API's own work, not a network.
 */
const ITEMS = 1000;
const PAGE = 100;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 60);

const dir = mkdtempSync(join(tmpdir(), 'marquee-bench-'));
const config = loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent', NODE_ENV: 'test' });
const logger = createLogger('silent');
let counting = false;
let statements = 0;
const orm = await initOrm(config, {
  entities,
  onQuery: () => {
    if (counting) statements++;
  },
});
const infra = createInfra(config, logger, orm);
const pubsub = infra.pubsub;

try {
  await migrate(orm);
  const viewerId = await fixture(orm.em.fork() as Em);
  const people = await memberships(orm.em.fork() as Em);
  const app = assemble(features, infra, orm);
  const bare = await buildBareSchema(pubsub, app.container);
  const served = await buildServedSchema(pubsub, app.container, () => undefined);
  // For comparison: graphql-shield as it comes, wrapping every field of every type.
  const wrapAll = applyMiddleware(
    bare,
    shield(rules as Parameters<typeof shield>[0], { fallbackRule: allow }),
  );

  // ------------------------------------------------------------- shield overhead
  const cursors: (string | null)[] = [null];
  for (let i = 1; i < ITEMS / PAGE; i++) {
    const r = await run(
      bare,
      `{ contents(first: ${PAGE}${after(cursors[i - 1])}) { pageInfo { endCursor } } }`,
    );
    cursors.push(
      (r as { contents: { pageInfo: { endCursor: string } } }).contents.pageInfo.endCursor,
    );
  }
  const listQuery = `{ ${cursors
    .map((c, i) => `p${i}: contents(first: ${PAGE}${after(c)}) { edges { node { id title } } }`)
    .join(' ')} }`;
  const sizes = await run(served, listQuery);
  const count = Object.values(sizes as Record<string, { edges: unknown[] }>).reduce(
    (n, p) => n + p.edges.length,
    0,
  );
  if (count !== ITEMS) throw new Error(`expected ${ITEMS} items, got ${count}`);

  for (let i = 0; i < 10; i++) {
    await run(bare, listQuery);
    await run(served, listQuery);
    await run(wrapAll, listQuery);
  }
  const times = { bare: [] as number[], served: [] as number[], wrapAll: [] as number[] };
  const schemas: ['bare' | 'served' | 'wrapAll', GraphQLSchema][] = [
    ['bare', bare],
    ['served', served],
    ['wrapAll', wrapAll],
  ];
  for (let i = 0; i < ROUNDS; i++) {
    // Rotate the order so that no schema always runs first (warm caches, GC).
    for (const [name, schema] of [...schemas.slice(i % 3), ...schemas.slice(0, i % 3)]) {
      const t0 = performance.now();
      await run(schema, listQuery);
      times[name].push(performance.now() - t0);
    }
  }
  const bareMs = median(times.bare);
  const servedMs = median(times.served);
  const wrapAllMs = median(times.wrapAll);

  // ------------------------------------------------------------- SQL statements
  const selection = `edges { node { author { handle } tags likeCount commentCount viewerHasLiked } }`;
  const countFor = async (first: number) => {
    counting = true;
    statements = 0;
    await run(served, `{ contents(first: ${first}) { ${selection} } }`, viewerId);
    counting = false;
    return statements;
  };
  const sql5 = await countFor(5);
  const sql50 = await countFor(50);

  // ------------------------------------------------------------- gated feed
  // Half of the items are gated (MEMBERS or TIERS); the fan holds memberships of half of
  // the authors' tiers, the stranger none: the body rule must cost the same statements.
  const feed = `{ contents(first: 20) { edges { node { id title body viewerHasAccess media { url } author { handle } } } } }`;
  const feedFor = async (viewer: string | null) => {
    counting = true;
    statements = 0;
    const data = (await run(served, feed, viewer)) as {
      contents: { edges: { node: { viewerHasAccess: boolean } }[] };
    };
    counting = false;
    const readable = data.contents.edges.filter((e) => e.node.viewerHasAccess).length;
    const times: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const t0 = performance.now();
      await run(served, feed, viewer);
      times.push(performance.now() - t0);
    }
    return { statements, readable, ms: median(times) };
  };
  const gated = {
    anonymous: await feedFor(null),
    stranger: await feedFor(people.stranger),
    fan: await feedFor(people.fan),
  };

  console.log(
    `Machine: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}, Node ${process.version}, SQLite (embedded)`,
  );
  console.log('');
  console.log('| benchmark | figure |');
  console.log('| --- | --- |');
  console.log(
    `| ${ITEMS}-item list (id, title), no shield, median of ${ROUNDS} | ${bareMs.toFixed(2)} ms |`,
  );
  console.log(
    `| ${ITEMS}-item list (id, title), with shield, median of ${ROUNDS} | ${servedMs.toFixed(2)} ms |`,
  );
  console.log(`| shield overhead (goal ≤ 15%) | ${pct(servedMs, bareMs)} |`);
  console.log(
    `| for comparison: shield wrapping every field (fallbackRule) | ${wrapAllMs.toFixed(2)} ms (${pct(wrapAllMs, bareMs)}) |`,
  );
  console.log(
    `| SQL statements, contents(first: 5) with author, tags, counts, viewerHasLiked | ${sql5} |`,
  );
  console.log(`| SQL statements, contents(first: 50), same selection | ${sql50} |`);
  for (const [who, r] of Object.entries(gated)) {
    console.log(
      `| 20-item feed, half gated, ${who} (${r.readable}/20 bodies readable): SQL statements, median | ${r.statements}, ${r.ms.toFixed(2)} ms |`,
    );
  }

  async function run(schema: GraphQLSchema, query: string, viewer: string | null = null) {
    const contextValue = await createContext(app.contexts, viewer, 'bench', 'local');
    const result = await execute({ schema, document: parse(query), contextValue });
    if (result.errors?.length) throw new Error(result.errors.map((e) => e.message).join('; '));
    return result.data;
  }
} finally {
  await infra.close();
  await orm.close();
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Gates every other item (MEMBERS, or TIERS with the author's tier), gives each author a
 * free tier, and makes a fan who holds memberships of half of the gated items' authors and
 * a stranger who holds none.
 */
async function memberships(em: Em) {
  const authors = await em.find(
    User,
    { handle: { $like: 'author%' } },
    { orderBy: { handle: 'asc' } },
  );
  const tiers = authors.map((author) =>
    em.create(Tier, {
      creator: author,
      name: 'Supporters',
      priceMinor: 0,
      currency: 'USD',
      interval: BillingInterval.MONTH,
    }),
  );
  const [fan, stranger] = ['fan', 'stranger'].map((handle) =>
    em.create(User, {
      email: `${handle}@bench.test`,
      passwordHash: 'x',
      handle,
      displayName: handle,
      role: Role.USER,
    }),
  );
  // The fan holds the tiers of author1, 3, 5, 7 and 9: half of the authors of gated items.
  tiers.forEach((tier, i) => {
    const n = Number(authors[i]!.handle.slice('author'.length));
    if (n % 2 === 1 && n < 10)
      em.create(Membership, {
        tier,
        member: fan!,
        creatorId: tier.creator.id,
        status: MembershipStatus.ACTIVE,
      });
  });
  await em.flush();
  const byAuthor = new Map(tiers.map((t) => [t.creator.id, t.id]));
  const contents = await em.find(Content, {}, { orderBy: { listedAt: 'asc' } });
  contents.forEach((c, i) => {
    if (i % 2 === 0) return;
    c.visibility = i % 4 === 1 ? Visibility.MEMBERS : Visibility.TIERS;
    c.tierIds = c.visibility === Visibility.TIERS ? [byAuthor.get(c.author.id)!] : [];
    c.preview = previewOf(c.body);
  });
  await em.flush();
  return { fan: fan!.id, stranger: stranger!.id };
}

function after(cursor: string | null | undefined) {
  return cursor ? `, after: ${JSON.stringify(cursor)}` : '';
}

function pct(x: number, base: number) {
  return `${x >= base ? '+' : ''}${(((x - base) / base) * 100).toFixed(1)}%`;
}

function median(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** 1 000 published contents by 20 authors, with tags and likes; returns a viewer's id. */
async function fixture(em: Em): Promise<string> {
  const authors = Array.from({ length: 20 }, (_, i) =>
    em.create(User, {
      email: `author${i}@bench.test`,
      passwordHash: 'x',
      handle: `author${i}`,
      displayName: `Author ${i}`,
      role: Role.USER,
    }),
  );
  const base = Date.now() - ITEMS * 1000;
  for (let i = 0; i < ITEMS; i++) {
    const at = new Date(base + i * 1000);
    const c = em.create(Content, {
      kind: ContentKind.ARTICLE,
      title: `Item ${i}`,
      body: `Body of item ${i}`,
      tags: [`tag${i % 7}`, 'bench'],
      status: ContentStatus.PUBLISHED,
      author: authors[i % authors.length]!,
      createdAt: at,
      updatedAt: at,
      publishedAt: at,
      listedAt: at,
      likeCount: i % 3 === 0 ? 1 : 0,
    });
    for (const tag of c.tags) em.create(ContentTag, { content: c, tag });
    if (i % 3 === 0) em.create(Like, { user: authors[0]!, content: c });
  }
  await em.flush();
  return authors[0]!.id;
}

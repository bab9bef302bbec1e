import 'reflect-metadata';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { ContentKind } from '../src/modules/content/index.js';
import { Pacing } from '../src/modules/ads/ads.enums.js';
import { ranked, type CachedCampaign } from '../src/modules/ads/index.js';
import { sqliteBackend } from './support/backends.js';
import { gql, percentile, startServerProcess } from './support/server-process.js';

/**
 * `npm run bench:ads`: `adsForPlacement` with 1 000 active campaigns, over HTTP against a
 * server in its own process (SQLite + in-process), beside a content (its read check is the
 * one statement) and without one (no statement), and the in-memory selection alone.
 */
const CAMPAIGNS = Number(process.env.BENCH_CAMPAIGNS ?? 1000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const SELECTIONS = Number(process.env.BENCH_SELECTIONS ?? 20_000);
const CONCURRENCY = 8;
const TAGS = Array.from({ length: 20 }, (_, i) => `tag${i}`);
const KINDS: ContentKind[] = ['ARTICLE', 'IMAGE', 'VIDEO'] as ContentKind[];

const pick = <T>(xs: readonly T[], i: number) => xs[i % xs.length]!;
const ms = (n: number) => `${n.toFixed(3)} ms`;

/** The campaign mix: a third untargeted, the rest by one or two tags, some by kind; a quarter capped. */
function campaignInput(i: number, now: number) {
  const targeted = i % 3 !== 0;
  return {
    name: `Campaign ${i}`,
    budget: { amountMinor: 1_000_000, currency: 'USD' },
    cpm: { amountMinor: 100 + (i % 50) * 10, currency: 'USD' },
    startsAt: new Date(now - 3_600_000).toISOString(),
    endsAt: new Date(now + 7 * 86_400_000).toISOString(),
    pacing: i % 2 ? 'EVEN' : 'ASAP',
    targeting: targeted
      ? { tags: [pick(TAGS, i), pick(TAGS, i * 7 + 3)], kinds: i % 5 === 0 ? [pick(KINDS, i)] : [] }
      : null,
    frequencyCap: i % 4 === 0 ? { impressions: 5, perHours: 24 } : null,
  };
}

async function inParallel(n: number, work: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < n) await work(next++);
    }),
  );
}

async function timedServing(url: string, contentId: string | null): Promise<number[]> {
  const body = JSON.stringify({
    query: `query($c: ID) { adsForPlacement(placement: "feed", contentId: $c, first: 3) { impressionToken creative { id headline } sponsor { id name } } }`,
    variables: { c: contentId },
  });
  const headers = { 'content-type': 'application/json', 'x-anonymous-id': 'bench-anonymous-1' };
  const send = async () => {
    const r = await fetch(url, { method: 'POST', headers, body });
    const json = (await r.json()) as { errors?: unknown; data?: { adsForPlacement: unknown[] } };
    if (json.errors || !json.data?.adsForPlacement.length) throw new Error(JSON.stringify(json));
  };
  for (let i = 0; i < 100; i++) await send();
  const times: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const t0 = performance.now();
    await send();
    times.push(performance.now() - t0);
  }
  return times;
}

/** The selection alone: filter, rank and cut 1 000 cached campaigns, as serving does. */
function timedSelection(): number[] {
  const now = Date.now();
  const campaigns: CachedCampaign[] = Array.from({ length: CAMPAIGNS }, (_, i) => {
    const input = campaignInput(i, now);
    return {
      id: `c${i}`,
      version: 1,
      sponsor: { id: 'o', name: 'Brand', slug: 'brand', createdAt: new Date(), profileId: 'p' },
      cpmMinor: input.cpm.amountMinor,
      costMicros: input.cpm.amountMinor * 1000,
      budgetMinor: input.budget.amountMinor,
      currency: 'USD',
      spentMicros: 0,
      startsAt: now - 3_600_000,
      endsAt: now + 7 * 86_400_000,
      pacing: input.pacing as Pacing,
      tags: new Set(input.targeting?.tags ?? []),
      kinds: new Set(input.targeting?.kinds ?? []),
      cap: input.frequencyCap ? { impressions: 5, windowMs: 86_400_000 } : null,
      creatives: [{ id: `k${i}` } as never],
      turn: 0,
    };
  });
  const facts = { now, content: { tags: ['tag3', 'tag11'], kind: 'ARTICLE' as ContentKind } };
  const times: number[] = [];
  let kept = 0;
  for (let i = 0; i < SELECTIONS; i++) {
    const t0 = performance.now();
    kept += ranked(campaigns, facts).slice(0, 3).length;
    times.push(performance.now() - t0);
  }
  if (!kept) throw new Error('nothing selected');
  return times;
}

const backend = sqliteBackend();
const server = await startServerProcess({ ...backend.env, TRACK_RATE_PER_ADDRESS: '10000000' });
try {
  const now = Date.now();
  const { signUp } = await gql<{ signUp: { token: string } }>(
    server.url,
    `mutation($i: SignUpInput!) { signUp(input: $i) { token } }`,
    {
      i: {
        email: 'brand@bench.test',
        password: 'bench password 123',
        handle: 'benchbrand',
        displayName: 'Brand',
      },
    },
  );
  const token = signUp.token;
  const { createOrganization } = await gql<{ createOrganization: { id: string } }>(
    server.url,
    `mutation { createOrganization(input: { name: "Brand", slug: "benchbrand_org" }) { id } }`,
    {},
    token,
  );
  const { createContent } = await gql<{ createContent: { id: string } }>(
    server.url,
    `mutation($i: CreateContentInput!) { createContent(input: $i) { id } }`,
    { i: { kind: 'ARTICLE', title: 'Beside', body: 'Ads go here.', tags: ['tag3', 'tag11'] } },
    token,
  );
  await gql(
    server.url,
    `mutation($id: ID!) { publishContent(id: $id) { id } }`,
    { id: createContent.id },
    token,
  );
  const setUp = performance.now();
  await inParallel(CAMPAIGNS, async (i) => {
    const { createCampaign } = await gql<{ createCampaign: { id: string } }>(
      server.url,
      `mutation($o: ID!, $i: CreateCampaignInput!) { createCampaign(organizationId: $o, input: $i) { id } }`,
      { o: createOrganization.id, i: campaignInput(i, now) },
      token,
    );
    await gql(
      server.url,
      `mutation($c: ID!) { addCreative(campaignId: $c, input: { headline: "Ad", clickUrl: "https://brand.example" }) { id } }`,
      { c: createCampaign.id },
      token,
    );
    await gql(
      server.url,
      `mutation($c: ID!) { setCampaignStatus(id: $c, status: ACTIVE) { id } }`,
      { c: createCampaign.id },
      token,
    );
  });
  console.log(
    `${CAMPAIGNS} active campaigns set up in ${((performance.now() - setUp) / 1000).toFixed(1)} s`,
  );

  const rows: [string, number[]][] = [
    [
      'adsForPlacement over HTTP, beside a content (first: 3)',
      await timedServing(server.url, createContent.id),
    ],
    ['adsForPlacement over HTTP, no content (first: 3)', await timedServing(server.url, null)],
    ['in-memory selection alone (filter + rank + cut)', timedSelection()],
  ];
  console.log(
    `\nmachine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load ${loadavg()[0]!.toFixed(2)}, ${CAMPAIGNS} active campaigns`,
  );
  console.log('| measurement | p50 | p99 |');
  console.log('| --- | --- | --- |');
  for (const [name, times] of rows)
    console.log(`| ${name} | ${ms(percentile(times, 50))} | ${ms(percentile(times, 99))} |`);
} finally {
  await server.stop();
  await backend.drop();
}

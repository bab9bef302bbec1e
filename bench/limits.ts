import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { buildSchema, parse, print, specifiedRules, validate, type DocumentNode } from 'graphql';
import { loadConfig } from '../src/config.js';
import { QueryLimits } from '../src/infra/query-limits.js';
import {
  CommentsDocument,
  ContentDocument,
  ContentsDocument,
  ConversationMessagesDocument,
  ConversationsDocument,
  MeDocument,
} from '../sdk/src/generated.js';
import {
  gql,
  percentile,
  startServerProcess,
  type ServerProcess,
} from './support/server-process.js';

/**
 * `npm run bench:limits`: what the query limits (parse with maxTokens, the depth, alias and
 * directive rules, the cost estimate) add to ordinary operations over HTTP. Two server
 * processes of the same build on the same SQLite file, one with the default limits and one
 * with limits too large to matter; each operation is sent to both in turn, alternating
 * which goes first.
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 300);
const WARM_UP = 30;
const HUGE = '1000000000';
/** Seeding sends 60 messages in a few seconds. */
const CHAT_RATES = { CHAT_RATE_PER_CONVERSATION: '10000', CHAT_RATE_OVERALL: '10000' };
const UNLIMITED = {
  QUERY_MAX_DEPTH: HUGE,
  QUERY_MAX_ALIASES: HUGE,
  QUERY_MAX_TOKENS: HUGE,
  QUERY_MAX_DIRECTIVES: HUGE,
  QUERY_MAX_COST: HUGE,
};

const SIGN_UP = `mutation($i: SignUpInput!) { signUp(input: $i) { token user { id } } }`;
const CREATE = `mutation($i: CreateContentInput!) { createContent(input: $i) { id } }`;
const PUBLISH = `mutation($id: ID!) { publishContent(id: $id) { id } }`;
const COMMENT = `mutation($id: ID!, $b: String!) { addComment(contentId: $id, body: $b) { id } }`;
const START = `mutation($m: [ID!]!) { startConversation(memberIds: $m) { id } }`;
const SEND = `mutation($i: SendMessageInput!) { sendMessage(input: $i) { id } }`;

async function signUp(url: string, handle: string) {
  const { signUp } = await gql<{ signUp: { token: string; user: { id: string } } }>(url, SIGN_UP, {
    i: {
      email: `${handle}@bench.test`,
      password: 'bench password 123',
      handle,
      displayName: handle,
    },
  });
  return { token: signUp.token, id: signUp.user.id };
}

/** 100 published contents, 30 comments on one, a direct conversation of 60 messages. */
async function seed(url: string) {
  const author = await signUp(url, 'bench_author');
  const reader = await signUp(url, 'bench_reader');
  const ids: string[] = [];
  for (let i = 0; i < 100; i++) {
    const { createContent } = await gql<{ createContent: { id: string } }>(
      url,
      CREATE,
      {
        i: {
          kind: 'ARTICLE',
          title: `Article ${i}`,
          body: `Body ${i} `.repeat(20),
          tags: ['bench'],
        },
      },
      author.token,
    );
    await gql(url, PUBLISH, { id: createContent.id }, author.token);
    ids.push(createContent.id);
  }
  for (let i = 0; i < 30; i++) {
    await gql(url, COMMENT, { id: ids[0], b: `Comment ${i}` }, reader.token);
  }
  const { startConversation } = await gql<{ startConversation: { id: string } }>(
    url,
    START,
    { m: [author.id] },
    reader.token,
  );
  for (let i = 0; i < 60; i++) {
    const sender = i % 2 ? author : reader;
    await gql(
      url,
      SEND,
      { i: { conversationId: startConversation.id, body: `Message ${i}` } },
      sender.token,
    );
  }
  return { token: reader.token, contentId: ids[0]!, conversationId: startConversation.id };
}

interface Case {
  name: string;
  document: DocumentNode;
  variables: Record<string, unknown>;
  token?: string;
}

const dir = mkdtempSync(join(tmpdir(), 'marquee-bench-limits-'));
const servers: ServerProcess[] = [];
try {
  const limited = await startServerProcess({ DATA_DIR: dir, ...CHAT_RATES });
  servers.push(limited);
  const { token, contentId, conversationId } = await seed(limited.url);
  // Same file, already migrated: the second process only reads and writes rows.
  const unlimited = await startServerProcess({
    DATA_DIR: dir,
    MIGRATE_ON_START: 'false',
    ...CHAT_RATES,
    ...UNLIMITED,
  });
  servers.push(unlimited);

  const cases: Case[] = [
    { name: 'Me', document: MeDocument, variables: {}, token },
    { name: 'Contents(first: 20)', document: ContentsDocument, variables: { first: 20 } },
    { name: 'Contents(first: 100)', document: ContentsDocument, variables: { first: 100 } },
    { name: 'Content', document: ContentDocument, variables: { id: contentId } },
    {
      name: 'Comments(first: 20)',
      document: CommentsDocument,
      variables: { contentId, first: 20 },
    },
    {
      name: 'Conversations(first: 20)',
      document: ConversationsDocument,
      variables: { first: 20 },
      token,
    },
    {
      name: 'ConversationMessages(last: 50)',
      document: ConversationMessagesDocument,
      variables: { id: conversationId, last: 50 },
      token,
    },
  ];

  console.log(
    `Machine: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}, Node ${process.version}, SQLite (embedded), ${ROUNDS} rounds per operation and server`,
  );
  console.log('');
  console.log('| operation (HTTP) | p50 limits on / off | p99 limits on / off | p50 difference |');
  console.log('| --- | --- | --- | --- |');
  for (const c of cases) {
    const query = print(c.document);
    const pair: [ServerProcess, number[]][] = [
      [limited, []],
      [unlimited, []],
    ];
    for (let i = 0; i < WARM_UP + ROUNDS; i++) {
      for (const [server, times] of i % 2 ? [...pair].reverse() : pair) {
        const t0 = performance.now();
        await gql(server.url, query, c.variables, c.token);
        if (i >= WARM_UP) times.push(performance.now() - t0);
      }
    }
    const [on, off] = pair.map(([, times]) => times);
    const ms = (v: number) => v.toFixed(2);
    const p50 = [percentile(on!, 50), percentile(off!, 50)] as const;
    const p99 = [percentile(on!, 99), percentile(off!, 99)] as const;
    const diff = p50[0] - p50[1];
    console.log(
      `| ${c.name} | ${ms(p50[0])} / ${ms(p50[1])} ms | ${ms(p99[0])} / ${ms(p99[1])} ms | ${diff >= 0 ? '+' : ''}${ms(diff)} ms (${((100 * diff) / p50[1]).toFixed(1)} %) |`,
    );
  }

  // The checks alone, in-process: what they add to Apollo's own parse and validation.
  const schema = buildSchema(readFileSync('schema/schema.graphql', 'utf8'));
  const limits = new QueryLimits(loadConfig({}).queryLimits);
  const ITERATIONS = 2000;
  const micros = (fn: () => void) => {
    for (let i = 0; i < 200; i++) fn();
    const t0 = performance.now();
    for (let i = 0; i < ITERATIONS; i++) fn();
    return ((performance.now() - t0) * 1000) / ITERATIONS;
  };
  console.log('');
  console.log('| operation (in-process) | parse + validate | with the limits | limits add |');
  console.log('| --- | --- | --- | --- |');
  for (const c of cases) {
    const query = print(c.document);
    const plain = micros(() => validate(schema, parse(query), specifiedRules));
    const limited = micros(() => {
      const document = parse(query, limits.parseOptions);
      validate(schema, document, [...specifiedRules, ...limits.rules]);
      limits.costError(schema, document, { query, variables: c.variables });
    });
    console.log(
      `| ${c.name} | ${plain.toFixed(0)} µs | ${limited.toFixed(0)} µs | ${(limited - plain).toFixed(0)} µs |`,
    );
  }
} finally {
  for (const s of servers) await s.stop();
  rmSync(dir, { recursive: true, force: true });
}

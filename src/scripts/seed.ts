import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../config.js';
import { assemble, createInfra } from '../app.js';
import { createContext, signedIn, type Context } from '../context.js';
import { entities, features } from '../features.js';
import { initOrm, migrate } from '../infra/db.js';
import { metrics } from '../modules/metrics/index.js';
import { demoEvents, demoViewers, runningServer, trackOverHttp } from './seed-events.js';
import { createProcessLogger } from '../infra/logger.js';
import { accounts, User } from '../modules/accounts/index.js';
import { chat, Conversation } from '../modules/chat/index.js';
import {
  Comment,
  Content,
  ContentKind,
  content as contentFeature,
} from '../modules/content/index.js';

/**
 * `npm run seed`: demo data for a newcomer opening GraphiQL or the dashboard. Idempotent: every user,
 * content, like and comment is looked up before it is created, so running it again adds
 * nothing. Demo users share the password below; the demo admin has its own.
 */
export const DEMO_PASSWORD = 'marquee-demo-password';

/**
 * The demo admin, for the dashboard's platform view. Its password is generated when it is
 * created and printed that once: an admin with a published password would be anyone's
 * on a server seeded by mistake. Lost, ADMIN_EMAILS=<a demo user's email> makes another.
 */
export const DEMO_ADMIN = {
  email: 'admin@marquee.example',
  handle: 'demo_admin',
  displayName: 'Demo Admin',
};

const users = [
  { handle: 'ada', displayName: 'Ada Lovelace', bio: 'Notes on engines and poetry.' },
  { handle: 'grace', displayName: 'Grace Hopper', bio: 'Compilers, nanoseconds, and ships.' },
  { handle: 'linus', displayName: 'Linus Pauling', bio: 'Chemistry in pictures.' },
  { handle: 'mae', displayName: 'Mae Jemison', bio: 'Space, dance and medicine.' },
];

const contents = [
  {
    author: 'ada',
    kind: ContentKind.ARTICLE,
    title: 'Notes on the Analytical Engine',
    body: 'The engine weaves algebraic patterns just as the Jacquard loom weaves flowers and leaves.',
    tags: ['computing', 'history'],
  },
  {
    author: 'grace',
    kind: ContentKind.VIDEO,
    title: 'What a nanosecond looks like',
    body: 'A piece of wire about a foot long: the distance light travels in one nanosecond.',
    tags: ['computing', 'physics'],
    media: [
      {
        url: 'https://media.example.com/nanosecond.mp4',
        mimeType: 'video/mp4',
        durationSeconds: 94,
      },
    ],
  },
  {
    author: 'linus',
    kind: ContentKind.IMAGE,
    title: 'The alpha helix, drawn by hand',
    body: 'Folding paper on a sickbed led to one of the shapes of life.',
    tags: ['chemistry', 'biology'],
    media: [
      {
        url: 'https://media.example.com/helix.png',
        mimeType: 'image/png',
        width: 1600,
        height: 1200,
      },
    ],
  },
  {
    author: 'mae',
    kind: ContentKind.ARTICLE,
    title: 'Running experiments in orbit',
    body: 'What changes when bone cells grow without gravity, and what stays the same.',
    tags: ['space', 'biology'],
  },
];

const reactions: { who: string; title: string; comment?: string }[] = [
  {
    who: 'grace',
    title: 'Notes on the Analytical Engine',
    comment: 'The first programmer, and still right.',
  },
  { who: 'mae', title: 'Notes on the Analytical Engine' },
  { who: 'ada', title: 'What a nanosecond looks like', comment: 'I want one of those wires.' },
  { who: 'linus', title: 'What a nanosecond looks like' },
  { who: 'mae', title: 'The alpha helix, drawn by hand', comment: 'Beautiful folds.' },
  {
    who: 'ada',
    title: 'Running experiments in orbit',
    comment: 'How do you weigh anything up there?',
  },
  { who: 'grace', title: 'Running experiments in orbit' },
];

const conversation = {
  owner: 'ada',
  others: ['grace', 'linus'],
  title: 'Engines, compilers and helices',
  messages: [
    { who: 'ada', body: 'Welcome! This is the demo conversation.' },
    { who: 'grace', body: 'Glad to be here. Who brought the nanosecond wires?' },
    { who: 'linus', body: 'I brought paper for folding models instead.' },
    { who: 'ada', body: 'Both welcome. Reply, react, or mark it read to try the API.' },
  ],
};

const config = loadConfig();
const logger = await createProcessLogger(config.logLevel, config.logFormat);
const orm = await initOrm(config, { entities });
// With Redis configured, the seed's live figures (trending, counters) land where the
// servers read them.
const infra = createInfra(config, logger, orm);
try {
  await migrate(orm);
  const app = assemble(features, infra, orm);
  const services = {
    accounts: app.use(accounts).accounts,
    content: app.use(contentFeature).content,
    conversations: app.use(chat).conversations,
    messages: app.use(chat).messages,
    tracking: app.use(metrics).tracking,
  };
  const as = async (handle: string | null): Promise<Context> => {
    const ctx = await createContext(app.contexts, null, 'seed', 'local');
    if (handle) ctx.actAs(await ctx.em.findOneOrFail(User, { handle }));
    return ctx;
  };
  let created = 0;

  for (const u of users) {
    const ctx = await as(null);
    if (await ctx.em.count(User, { handle: u.handle })) continue;
    await services.accounts.signUp(ctx, {
      email: `${u.handle}@demo.marquee.dev`,
      password: DEMO_PASSWORD,
      handle: u.handle,
      displayName: u.displayName,
    });
    const me = await as(u.handle);
    await services.accounts.updateProfile(signedIn(me), { bio: u.bio });
    created++;
  }

  let adminPassword: string | null = null;
  if (!(await (await as(null)).em.count(User, { email: DEMO_ADMIN.email }))) {
    adminPassword = randomBytes(12).toString('base64url');
    await services.accounts.signUp(await as(null), { ...DEMO_ADMIN, password: adminPassword });
    created++;
  }
  // Also when it exists: never demotes, so re-running it is harmless.
  await services.accounts.promoteAdmins((await as(null)).em, [DEMO_ADMIN.email]);

  for (const c of contents) {
    const ctx = await as(c.author);
    const existing = await ctx.em.findOne(Content, { author: ctx.viewer!.id, title: c.title });
    if (existing) continue;
    const content = await services.content.create(signedIn(ctx), c);
    await services.content.publish(signedIn(ctx), content.id, null);
    created++;
  }

  for (const r of reactions) {
    const ctx = await as(r.who);
    const content = await ctx.em.findOneOrFail(Content, { title: r.title });
    await services.content.like(signedIn(ctx), content.id);
    if (
      r.comment &&
      !(await ctx.em.count(Comment, { content: content.id, author: ctx.viewer!.id }))
    ) {
      await services.content.addComment(signedIn(ctx), content.id, r.comment);
      created++;
    }
  }

  if (!(await (await as(null)).em.count(Conversation, { title: conversation.title }))) {
    const owner = await as(conversation.owner);
    const ids = [];
    for (const handle of conversation.others) {
      ids.push((await owner.em.findOneOrFail(User, { handle })).id);
    }
    const { id } = await services.conversations.start(signedIn(owner), ids, conversation.title);
    created++;
    for (const [i, m] of conversation.messages.entries()) {
      // clientMessageIds make a re-run after an interruption add nothing twice.
      await services.messages.send(signedIn(await as(m.who)), {
        conversationId: id,
        body: m.body,
        clientMessageId: `seed-${i}`,
      });
      created++;
    }
  }

  // Views, watches and shares over the last hour, through trackEvents' ingestion (the same
  // rollups, totals and de-duplication): to a server running on this machine without Redis
  // over HTTP (its live windows are its own), else in this process (with Redis, the live
  // figures are shared; without, a server started afterwards refills its trending from
  // the rollups). Event ids repeat across runs, so a second run within a day adds nothing.
  const seeded = await Promise.all(
    contents.map(async (c) => (await as(null)).em.findOneOrFail(Content, { title: c.title })),
  );
  const server = config.redisUrl ? null : await runningServer(config.port);
  for (const [v, viewer] of demoViewers(users.map((u) => u.handle)).entries()) {
    const events = demoEvents(v, seeded);
    const ctx = await createContext(
      app.contexts,
      null,
      'seed',
      `seed:${viewer.handle ?? viewer.anonymousId}`,
      viewer.anonymousId,
    );
    if (viewer.handle) ctx.actAs(await ctx.em.findOneOrFail(User, { handle: viewer.handle }));
    if (server) {
      const token = viewer.handle
        ? (
            await services.accounts.logIn(ctx, {
              email: `${viewer.handle}@demo.marquee.dev`,
              password: DEMO_PASSWORD,
            })
          ).token
        : null;
      const sent = await trackOverHttp(server, events, { token, anonymousId: viewer.anonymousId });
      if (sent !== null) {
        created += sent;
        continue;
      }
    }
    created += (await services.tracking.track(ctx, events)).accepted;
  }

  console.log(
    created
      ? `Seeded ${created} records. Demo users: ${users.map((u) => u.handle).join(', ')} (email <handle>@demo.marquee.dev, password "${DEMO_PASSWORD}").`
      : 'Demo data already present: nothing to do.',
  );
  console.log(
    adminPassword
      ? `Demo admin: ${DEMO_ADMIN.email}, password "${adminPassword}" (shown this once).`
      : `Demo admin: ${DEMO_ADMIN.email} (its password was printed when it was created).`,
  );
} finally {
  await infra.close();
  await orm.close();
}

import 'reflect-metadata';
import { after, before } from 'node:test';
import { ADMIN_EMAILS, bootServer, type Client, type TestServer } from './server.js';
import type { Target } from './targets.js';

/** Shared fixture of the chat test files (each file boots its own server). */
export type Signed = Awaited<ReturnType<TestServer['user']>>;

export interface ChatFixture {
  t: TestServer;
  ann: Signed;
  bob: Signed;
  cat: Signed;
  mod: Signed;
  admin: Signed;
}

/** Filled by `chatSuite`'s before(); read inside tests only. */
export const cx = {} as ChatFixture;
let handles = 0;

/** Boots a server for the enclosing describe, with ann, bob, cat, a moderator and an admin. */
export function chatSuite(target: Target, label: string, env: Record<string, string> = {}): void {
  before(async () => {
    // No scheduler ticks: the statement-count tests would see them.
    cx.t = await bootServer(target, label, {
      env: { SCHEDULER_INTERVAL_MS: '86400000', ...env },
    });
    [cx.ann, cx.bob, cx.cat, cx.mod, cx.admin] = await Promise.all([
      cx.t.user('ann'),
      cx.t.user('bob'),
      cx.t.user('cat'),
      cx.t.user('moderator'),
      cx.t.user('admin', { email: ADMIN_EMAILS[0] }),
    ]);
    await cx.admin.client.SetUserRole({ userId: cx.mod.id, role: 'MODERATOR' });
  });
  after(() => cx.t.close());
}

export const newUser = (prefix: string) => cx.t.user(`${prefix}_${++handles}`);

/** A fresh GROUP of `owner` and `others`. */
export async function group(owner: Signed, others: Signed[], title = 'A group') {
  const { startConversation } = await owner.client.StartConversation({
    memberIds: others.map((o) => o.id),
    title,
  });
  return startConversation;
}

/** The DIRECT conversation of two fresh users. */
export async function freshDirect(prefix = 'dm') {
  const [a, b] = await Promise.all([newUser(`${prefix}a`), newUser(`${prefix}b`)]);
  const { startConversation } = await a.client.StartConversation({ memberIds: [b.id] });
  return { a, b, conversation: startConversation };
}

export async function send(
  c: Client,
  conversationId: string,
  body: string,
  extra: { replyToId?: string; clientMessageId?: string } = {},
) {
  const { sendMessage } = await c.SendMessage({ input: { conversationId, body, ...extra } });
  return sendMessage;
}

export const MISSING_ID = '00000000-0000-4000-8000-000000000000';

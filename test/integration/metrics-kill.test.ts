import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { launches } from '../helpers/process.js';
import { sdkClient } from '../helpers/sdk.js';
import { targets, type Storage } from '../helpers/targets.js';
import { freePort } from '../helpers/ws.js';

// Drill: trackEvents from several clients at once (so that their calls are written
// together), SIGKILL the process as soon as one of them has its answer, then a second
// process on the same storage: every event that was answered `accepted` is counted, and
// sending it again reports it as a duplicate.

const guard = { timeout: 120_000 };
const CLIENTS = 6;
const PER_CALL = 50;
interface Track {
  accepted: number;
  duplicates: number;
}

for (const target of targets()) {
  describe(`drill: SIGKILL right after trackEvents answers (${target.name})`, () => {
    const servers = launches();
    let storage: Storage | undefined;
    const start = async () => {
      return servers.launch({
        HOST: '127.0.0.1',
        PORT: String(await freePort()),
        LOG_LEVEL: 'warn',
        TRACK_PER_CONTENT_PER_ADDRESS: '100000',
        TRACK_RATE_PER_ADDRESS: '100000',
        ...storage!.env,
      });
    };
    after(async () => {
      servers.killAll();
      await storage?.drop();
    });

    it(
      'should count every accepted event after a kill -9, and report it as a duplicate when sent again',
      guard,
      async () => {
        storage = await target.provision('metrics-kill');
        const first = await start();
        const url = await first.url;
        const signUp = async (handle: string, at = url) => {
          const { signUp } = await sdkClient({ url: at }).SignUp({
            input: {
              email: `${handle}@example.com`,
              password: 'correct horse battery',
              handle,
              displayName: handle,
            },
          });
          return signUp.token;
        };
        const author = sdkClient({ url, token: await signUp('author') });
        const { createContent } = await author.CreateContent({
          input: { kind: 'ARTICLE', title: 'Killed', body: 'body' },
        });
        const contentId = createContent.id;
        await author.PublishContent({ id: contentId });
        const tokens = await Promise.all(
          Array.from({ length: CLIENTS }, (_, i) => signUp(`viewer${i}`)),
        );
        const calls = tokens.map((token) => ({
          token,
          events: Array.from({ length: PER_CALL }, () => ({
            id: randomUUID(),
            type: 'SHARE' as const,
            contentId,
          })),
        }));

        // Every client sends at once; the first answer kills the process.
        const answered = new Map<number, Track>();
        await new Promise<void>((resolve) => {
          for (const [i, call] of calls.entries()) {
            sdkClient({ url, token: call.token })
              .TrackEvents({ events: call.events })
              .then(
                ({ trackEvents }) => {
                  if (!first.child.killed) {
                    answered.set(i, trackEvents);
                    first.child.kill('SIGKILL');
                  }
                  resolve();
                },
                () => resolve(),
              );
          }
        });
        assert.deepEqual(await first.exited, { code: null, signal: 'SIGKILL' });
        assert.ok(answered.size >= 1);
        for (const track of answered.values()) assert.equal(track.accepted, PER_CALL);

        const second = await start();
        const again = await second.url;
        const track = (i: number) =>
          sdkClient({ url: again, token: calls[i]!.token }).TrackEvents({
            events: calls[i]!.events,
          });
        // The answered calls, sent again: every event is already counted.
        for (const [i] of answered) {
          const { trackEvents } = await track(i);
          assert.deepEqual(trackEvents, { accepted: 0, duplicates: PER_CALL, rejected: [] });
        }
        // The others may or may not have been written before the kill: sent again, each event
        // counts exactly once in all.
        for (const i of calls.keys()) {
          if (answered.has(i)) continue;
          const { trackEvents } = await track(i);
          assert.equal(trackEvents.accepted + trackEvents.duplicates, PER_CALL);
        }
        const { content } = await sdkClient({ url: again }).Content({ id: contentId });
        assert.equal(content?.shareCount, CLIENTS * PER_CALL);
        second.child.kill('SIGTERM');
        await second.exited;
      },
    );
  });
}

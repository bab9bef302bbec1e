import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { post } from '../helpers/http.js';
import { launch } from '../helpers/process.js';
import { targets, type Storage } from '../helpers/targets.js';
import { freePort } from '../helpers/ws.js';

// Drill: trackEvents from several clients at once (so that their calls are written
// together), SIGKILL the process as soon as one of them has its answer, then a second
// process on the same storage: every event that was answered `accepted` is counted, and
// sending it again reports it as a duplicate.

const guard = { timeout: 120_000 };
const CLIENTS = 6;
const PER_CALL = 50;
const TRACK = `mutation($events: [TrackEventInput!]!) {
  trackEvents(events: $events) { accepted duplicates rejected { index message } }
}`;

interface Track {
  accepted: number;
  duplicates: number;
  rejected: unknown[];
}

for (const target of targets()) {
  describe(`drill: SIGKILL right after trackEvents answers (${target.name})`, () => {
    const children: ReturnType<typeof launch>[] = [];
    let storage: Storage | undefined;
    const start = async () => {
      const p = launch({
        HOST: '127.0.0.1',
        PORT: String(await freePort()),
        LOG_LEVEL: 'warn',
        TRACK_PER_CONTENT_PER_ADDRESS: '100000',
        TRACK_RATE_PER_ADDRESS: '100000',
        ...storage!.env,
      });
      children.push(p);
      return p;
    };
    after(async () => {
      for (const p of children) {
        if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
      }
      await storage?.drop();
    });

    it(
      'should count every accepted event after a kill -9, and report it as a duplicate when sent again',
      guard,
      async () => {
        storage = await target.provision('metrics-kill');
        const first = await start();
        const url = await first.url;
        const signUp = async (handle: string) => {
          const r = await post(url, {
            query: 'mutation($input: SignUpInput!) { signUp(input: $input) { token } }',
            variables: {
              input: {
                email: `${handle}@example.com`,
                password: 'correct horse battery',
                handle,
                displayName: handle,
              },
            },
          });
          return {
            authorization: `Bearer ${(r.body.data as { signUp: { token: string } }).signUp.token}`,
          };
        };
        const author = await signUp('author');
        const created = await post(
          url,
          {
            query: 'mutation($i: CreateContentInput!) { createContent(input: $i) { id } }',
            variables: { i: { kind: 'ARTICLE', title: 'Killed', body: 'body' } },
          },
          author,
        );
        const contentId = (created.body.data as { createContent: { id: string } }).createContent.id;
        await post(
          url,
          {
            query: 'mutation($id: ID!) { publishContent(id: $id) { id } }',
            variables: { id: contentId },
          },
          author,
        );
        const viewers = await Promise.all(
          Array.from({ length: CLIENTS }, (_, i) => signUp(`viewer${i}`)),
        );
        const calls = viewers.map((auth) => ({
          auth,
          events: Array.from({ length: PER_CALL }, () => ({
            id: randomUUID(),
            type: 'SHARE',
            contentId,
          })),
        }));

        // Every client sends at once; the first answer kills the process.
        const answered = new Map<number, Track>();
        await new Promise<void>((resolve) => {
          for (const [i, call] of calls.entries()) {
            post(url, { query: TRACK, variables: { events: call.events } }, call.auth).then(
              (r) => {
                const track = (r.body.data as { trackEvents?: Track } | undefined)?.trackEvents;
                if (track && !first.child.killed) {
                  answered.set(i, track);
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
        // The answered calls, sent again: every event is already counted.
        for (const [i] of answered) {
          const r = await post(
            again,
            { query: TRACK, variables: { events: calls[i]!.events } },
            calls[i]!.auth,
          );
          assert.deepEqual(r.body.data?.trackEvents, {
            accepted: 0,
            duplicates: PER_CALL,
            rejected: [],
          });
        }
        // The others may or may not have been written before the kill: sent again, each event
        // counts exactly once in all.
        for (const [i, call] of calls.entries()) {
          if (answered.has(i)) continue;
          const r = await post(
            again,
            { query: TRACK, variables: { events: call.events } },
            call.auth,
          );
          const track = r.body.data?.trackEvents as Track;
          assert.equal(track.accepted + track.duplicates, PER_CALL);
        }
        const read = await post(
          again,
          {
            query: 'query($id: ID!) { content(id: $id) { shareCount } }',
            variables: { id: contentId },
          },
          author,
        );
        assert.deepEqual(read.body.data?.content, { shareCount: CLIENTS * PER_CALL });
        second.child.kill('SIGTERM');
        await second.exited;
      },
    );
  });
}
